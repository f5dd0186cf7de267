"""Forms of the 办件 pages; the services check everything again and answer in Chinese."""

from __future__ import annotations

from django import forms

from yizhan.core.dates import FactDateField
from yizhan.core.forms import StyledForm
from yizhan.hall.case_models import INDICATORS
from yizhan.hall.models import ApplicantKind, CaseState, RatingLevel, ServiceItem
from yizhan.people.forms import picked


class OpenCaseForm(StyledForm):
    item = forms.ModelChoiceField(
        label="事项", queryset=ServiceItem.objects.filter(active=True), empty_label="请选择事项",
        error_messages={"required": "请选择事项。", "invalid_choice": "请从列表中选择事项。"},
    )  # fmt: skip
    person = picked("办事人")
    applicant_kind = forms.ChoiceField(
        label="申请人", choices=ApplicantKind.choices, initial=ApplicantKind.SELF
    )
    applicant_name = forms.CharField(label="代办人姓名", max_length=50, required=False)
    applicant_relation = forms.CharField(
        label="与本人关系", max_length=50, required=False, help_text="如：父亲、配偶、受托人"
    )


class MoveForm(StyledForm):
    to = forms.ChoiceField(choices=CaseState.choices)
    note = forms.CharField(label="说明", max_length=500, required=False)


class MaterialsForm(StyledForm):
    received = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received"].choices = [(m.material_id, m.material.name) for m in case.materials.all()]


class RatingForm(StyledForm):
    level = forms.ChoiceField(
        label="您对这次办事满意吗？", choices=RatingLevel.choices, widget=forms.RadioSelect,
        error_messages={"required": "请选择满意程度。"},
    )  # fmt: skip
    indicators = forms.MultipleChoiceField(
        label="评价指标（可多选）", choices=list(INDICATORS.items()), widget=forms.CheckboxSelectMultiple,
        required=False,
    )  # fmt: skip
    comment = forms.CharField(
        label="意见建议", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


class RectificationForm(StyledForm):
    check_note = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    fix_note = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    return_visit_on = FactDateField(label="回访日期", required=False)
    return_visit_note = forms.CharField(
        label="回访情况", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class StatisticsForm(StyledForm):
    start = FactDateField(label="起始日期")
    end = FactDateField(label="截止日期")
    by = forms.ChoiceField(
        label="分组",
        choices=[("day", "按日"), ("window", "按窗口"), ("item", "按事项"), ("clerk", "按工作人员")],
    )
