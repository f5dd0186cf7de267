"""落一子全盘活 — read this table top to bottom to know everything that follows a recorded fact.

Each event lists its consequences in order; lifecycle.services.emit applies them in the
transaction that records the fact, so either all of them happen or none. Departments: A = 武装部
(armed_forces), S = 服务站 (veterans), J = joint.
"""

from __future__ import annotations

from yizhan.conscription.services import enter_open_campaign
from yizhan.lifecycle.effects import (
    FAMILY,
    HOUSEHOLD,
    before_holiday,
    close_service_record,
    days,
    end_identity,
    identity,
    open_service_record,
    task,
)
from yizhan.lifecycle.models import EventKind
from yizhan.worklist.models import TaskDepartment as Dept
from yizhan.worklist.models import TaskKind as Kind
from yizhan.worklist.services import mark_overdue

RULES = {
    EventKind.REGISTRATION_RECORDED: [
        identity("registrant"),
        enter_open_campaign,  # if he wants to enlist and his county's intake is open
    ],
    EventKind.CANDIDATE_FAILED: [
        end_identity("applicant"),
    ],
    EventKind.ENLISTMENT_APPROVED: [
        open_service_record,
        end_identity("applicant"),
        identity("active_servicemember"),
        identity("military_family", of=FAMILY),
        task(Kind.GIFT_PACK, dept=Dept.JOINT, due=days(7)),
        task(Kind.HONOR_PLAQUE, dept=Dept.JOINT, of=HOUSEHOLD, due=before_holiday(), once="ever"),
        task(Kind.ALLOWANCE_RECIPIENT, dept=Dept.JOINT, due=days(14)),
    ],
    EventKind.RECRUIT_RETURNED: [
        close_service_record,
        end_identity("active_servicemember"),
        end_identity("military_family", of=FAMILY),
    ],
}

# Time-driven rules, run by `yizhan tick` (daily in deployments); each is idempotent.
TIME_RULES = [
    ("标记逾期待办", mark_overdue),
]
