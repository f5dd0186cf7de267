from __future__ import annotations

from django import forms

from yizhan.accounts.roles import Department
from yizhan.core.dates import FactDateField, PlanningDateField
from yizhan.core.forms import StyledForm
from yizhan.station.models import ActivityKind, HonorKind, TeamKind


class TeamForm(StyledForm):
    name = forms.CharField(label="队伍名称", max_length=50)
    kind = forms.ChoiceField(label="类别", choices=TeamKind.choices)


class MemberForm(StyledForm):
    member = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "请检索并选择队员。"})
    joined_on = FactDateField(label="加入日期")


class HoursForm(StyledForm):
    member = forms.ModelChoiceField(label="队员", queryset=None, empty_label="请选择")
    served_on = FactDateField(label="服务日期")
    description = forms.CharField(label="服务内容", max_length=200)
    hours = forms.DecimalField(label="时长（小时）", max_digits=5, decimal_places=1, min_value=0)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # the team's members' persons


class ActivityForm(StyledForm):
    kind = forms.ChoiceField(label="活动类别", choices=ActivityKind.choices)
    title = forms.CharField(label="活动名称", max_length=100)
    held_on = PlanningDateField(label="活动日期")
    place = forms.CharField(label="地点", max_length=100)
    organiser = forms.ChoiceField(label="组织部门", choices=Department.choices, initial=Department.BOTH)
    campaign = forms.ModelChoiceField(
        label="征兵批次（欢送新兵）", queryset=None, required=False, empty_label="—"
    )
    teams = forms.ModelMultipleChoiceField(
        label="参加队伍", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    schools = forms.CharField(
        label="参加学校", max_length=500, required=False, help_text="多所学校用顿号（、）或逗号分隔"
    )
    notes = forms.CharField(label="活动情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, campaigns, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["teams"].queryset = teams


class ParticipantForm(StyledForm):
    member = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "请检索并选择人员。"})


class HouseholdParticipantForm(StyledForm):
    household_member = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "请检索并选择户内任一成员。"}
    )


class SchoolForm(StyledForm):
    school = forms.CharField(label="学校名称", max_length=100)


class ActivityPhotoForm(StyledForm):
    photo = forms.ImageField(label="活动照片", help_text="JPG 或 PNG 图片，不超过 10 MB。")
    title = forms.CharField(label="照片说明", max_length=100, required=False)


class HonorForm(StyledForm):
    member = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "请检索并选择人员。"})
    kind = forms.ChoiceField(label="类别", choices=HonorKind.choices)
    title = forms.CharField(label="荣誉", max_length=100)
    consent_on = FactDateField(label="同意展示日期", required=False)
    photo_consented = forms.BooleanField(label="同意展示照片", required=False)


class ReceiveForm(StyledForm):
    received_on = FactDateField(label="接收日期")
    sent_by = forms.CharField(label="移交单位", max_length=100)
    shelf = forms.CharField(label="架位", max_length=20)
    box = forms.CharField(label="盒号", max_length=20)
    pages = forms.IntegerField(label="页数", min_value=1, max_value=10000, required=False)


class LendForm(StyledForm):
    borrower = forms.CharField(label="借阅人", max_length=50)
    purpose = forms.CharField(label="借阅事由", max_length=200)
    lent_on = FactDateField(label="借出日期")


class ReturnForm(StyledForm):
    returned_on = FactDateField(label="归还日期")
