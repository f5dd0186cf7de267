from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from yizhan.conscription.models import Conclusion, Half, Stage
from yizhan.core.dates import FactDateField, PlanningDateField
from yizhan.core.forms import StyledForm, add_errors

RESULTS = [("passed", "通过"), ("failed", "未通过")]
# The stages a group can be advanced to from the board (the application is made one by one).
RECORDABLE = [(s.value, s.label) for s in Stage if s not in {Stage.APPLICATION, Stage.RETURNED}]


class ServiceForm(StyledForm):
    """A form whose data go to a service: the service's ValidationError lands beside the field
    it names, or above the form. Each class has its own id prefix, since a page shows several."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}_%s")
        if "on" in self.base_fields:  # the day something was done: today unless said otherwise
            kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def add_service_errors(self, exc: ValidationError) -> None:
        add_errors(self, exc)


class RegistrationForm(ServiceForm):
    on = FactDateField(label="登记日期")
    conclusion = forms.ChoiceField(label="初步结论", choices=Conclusion.choices)
    reason = forms.CharField(label="免服/不得服原因", max_length=200, required=False)
    is_university_student = forms.BooleanField(label="在校大学生或高校毕业生", required=False)
    family_contacts = forms.CharField(label="家庭联系人及电话", max_length=200, required=False)
    wants_to_enlist = forms.BooleanField(label="有应征意向", required=False)


class VerificationForm(ServiceForm):
    on = FactDateField(label="核验日期")
    conclusion = forms.ChoiceField(label="核验结论", choices=Conclusion.choices)
    notes = forms.CharField(label="说明（结论变化时必填原因）", max_length=200, required=False)


class ApplyForm(ServiceForm):
    campaign = forms.ModelChoiceField(label="征兵批次", queryset=None, empty_label=None)
    on = FactDateField(label="报名日期")
    is_university_student = forms.BooleanField(label="大学生（在校生或毕业生）", required=False)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class StageForm(ServiceForm):
    stage = forms.ChoiceField(label="环节", choices=RECORDABLE, widget=forms.HiddenInput)
    result = forms.ChoiceField(label="结果", choices=RESULTS, widget=forms.RadioSelect, initial="passed")
    on = FactDateField(label="日期")
    reason = forms.CharField(label="未通过原因", max_length=200, required=False)

    def __init__(self, *args, allow_failure: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_failure:
            self.fields["result"].choices = RESULTS[:1]
        self.fields["result"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("result") == "failed" and not data.get("reason", "").strip():
            self.add_error("reason", "未通过时须填写原因。")
        return data

    @property
    def passed(self) -> bool:
        return self.cleaned_data["result"] == "passed"


class GroupStageForm(StageForm):
    """The board's form: the same fields, the stage chosen, the candidates ticked in the table."""

    stage = forms.ChoiceField(label="办理环节", choices=RECORDABLE)
    candidates = forms.TypedMultipleChoiceField(
        label="应征人员",
        coerce=int,
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "请勾选应征人员。"},
    )

    def __init__(self, *args, candidate_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = [(pk, pk) for pk in candidate_ids]
        self.fields["candidates"].error_messages["invalid_choice"] = "所选人员不在本表中，请刷新后重试。"


class ReturnForm(ServiceForm):
    on = FactDateField(label="退兵日期")
    reason = forms.CharField(label="退兵原因", max_length=200)


class CampaignForm(ServiceForm):
    county = forms.ModelChoiceField(label="县（区）", queryset=None, empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.ChoiceField(label="批次", choices=Half.choices)
    opens_on = PlanningDateField(label="报名开始")
    approval_on = PlanningDateField(label="批准入伍日期", help_text="通常为 3 月 1 日或 9 月 1 日")
    quota = forms.IntegerField(label="征集任务数", min_value=1)
    university_target_percent = forms.IntegerField(
        label="大学生比例目标（%）", min_value=0, max_value=100, initial=0
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class RegistrationYearForm(ServiceForm):
    # "" is the national default, a valid choice for administrators (the service checks who).
    region_code = forms.ChoiceField(label="适用地区", required=False)
    year = forms.IntegerField(widget=forms.HiddenInput)
    window_start = PlanningDateField(label="登记开始")
    window_end = PlanningDateField(label="登记截止")
    register_age = forms.IntegerField(
        label="应登记年龄（当年 12 月 31 日前年满）", min_value=16, max_value=30
    )
    volunteer_age = forms.IntegerField(label="可自愿登记年龄", min_value=16, max_value=30)
    late_limit_university = forms.IntegerField(label="补登年龄上限（大学）", min_value=16, max_value=40)
    late_limit_senior = forms.IntegerField(label="补登年龄上限（高中）", min_value=16, max_value=40)
    late_limit_other = forms.IntegerField(label="补登年龄上限（其他）", min_value=16, max_value=40)

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions


class QuotaForm(ServiceForm):
    """One number per township, named quota_<code>."""

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        for township in townships:
            self.fields[f"quota_{township.code}"] = forms.IntegerField(
                label=f"{township.name}任务数", min_value=0, required=False
            )
        # Added after StyledForm styled the fields it knew (none), so styled here.
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def quotas(self) -> dict[str, int | None]:
        return {name.removeprefix("quota_"): value for name, value in self.cleaned_data.items()}
