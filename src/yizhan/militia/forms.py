from __future__ import annotations

from django import forms

from yizhan.core.dates import FactDateField, PlanningDateField
from yizhan.core.forms import StyledForm
from yizhan.militia.models import Category, Condition, MilitiaPost, Specialty, UnitLevel


class UnitForm(StyledForm):
    name = forms.CharField(label="单位名称", max_length=50)
    level = forms.ChoiceField(label="编制", choices=UnitLevel.choices)
    parent = forms.ModelChoiceField(
        label="上级单位", queryset=None, required=False, empty_label="—（连不需上级）"
    )
    specialty = forms.ChoiceField(label="专业", choices=Specialty.choices)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units


class CarryOverForm(StyledForm):
    joined_on = PlanningDateField(label="编入日期")


class JoinForm(StyledForm):
    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "请检索并选择人员。"})
    unit = forms.ModelChoiceField(label="编组单位", queryset=None, empty_label="请选择")
    category = forms.ChoiceField(label="民兵类别", choices=Category.choices)
    post = forms.ChoiceField(label="职务", choices=MilitiaPost.choices, initial=MilitiaPost.MEMBER)
    specialty = forms.ChoiceField(label="专业", choices=Specialty.choices)
    joined_on = PlanningDateField(label="编入日期")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class LeaveForm(StyledForm):
    left_on = FactDateField(label="退出日期")
    reason = forms.CharField(label="退出原因", max_length=200)


class EquipmentForm(StyledForm):
    item = forms.CharField(label="装备名称", max_length=100)
    quantity = forms.IntegerField(label="数量", min_value=0, max_value=100000)
    unit_of_measure = forms.CharField(label="计量单位", max_length=10, initial="件")
    place = forms.CharField(label="存放地点", max_length=100)
    condition = forms.ChoiceField(label="状况", choices=Condition.choices)
    units = forms.ModelMultipleChoiceField(
        label="使用单位", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units


class InspectionForm(StyledForm):
    inspected_on = FactDateField(label="检查日期")
    inspector = forms.CharField(label="检查人", max_length=50)
    quantity = forms.IntegerField(label="清点数量", min_value=0, max_value=100000)
    condition = forms.ChoiceField(label="检查结论", choices=Condition.choices)
    notes = forms.CharField(label="说明", max_length=200, required=False)
