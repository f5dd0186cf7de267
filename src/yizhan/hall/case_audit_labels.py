"""Chinese names of the 办件 audit actions; hall/audit_labels.py merges them into the hall's."""

from yizhan.hall.case_models import CaseState

ACTIONS = {
    "hall.case.open": "受理办件",
    **{
        f"hall.case.{state}": f"办件{label}"
        for state, label in CaseState.choices
        if state != CaseState.ACCEPTED
    },
    "hall.case.step": "一件事环节完成",
    "hall.case.materials": "登记办件材料",
    "hall.case.overdue": "承诺件超期",
    "hall.case.rated": "好差评",
    "hall.rectification.open": "差评整改立项",
    "hall.rectification.close": "差评整改完成",
}
OBJECTS = {"service_case": "办件"}
