from __future__ import annotations

from django import forms

from yizhan.core.dates import FactDateField
from yizhan.core.forms import StyledForm
from yizhan.core.scopes import scoped
from yizhan.people.models import (
    AwardLevel,
    Branch,
    DocumentKind,
    Education,
    IdentityKind,
    PoliticalStatus,
    RelationKind,
    ServiceType,
    SettlementType,
    Sex,
)
from yizhan.regions.models import Grid, Level, Region
from yizhan.text import NameField


def regions_for(user):
    """The villages (and townships) a user may register people in."""
    return Region.objects.filter(
        scoped(user, "regions.Region"), level__in=[Level.TOWNSHIP, Level.VILLAGE]
    ).order_by("code")


class PersonForm(StyledForm):
    name = NameField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码", max_length=40, required=False, help_text="出生日期、性别可由身份证号自动带出"
    )
    sex = forms.ChoiceField(label="性别", choices=[("", "由身份证号带出"), *Sex.choices], required=False)
    birth_date = FactDateField(label="出生日期", required=False)
    ethnicity = forms.CharField(label="民族", max_length=20, required=False, initial="汉族")
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    region = forms.ModelChoiceField(label="户籍地（村/社区）", queryset=Region.objects.none())
    address = forms.CharField(label="现住址", max_length=200, required=False)
    education = forms.ChoiceField(label="文化程度", choices=[("", "—"), *Education.choices], required=False)
    political_status = forms.ChoiceField(
        label="政治面貌", choices=[("", "—"), *PoliticalStatus.choices], required=False
    )
    dependent_adult = forms.BooleanField(label="成年但不能独立生活", required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, masked=None, **kwargs):
        super().__init__(*args, **kwargs)
        if masked is not None:  # editing: say what is on file, masked, without filling it in
            for name, shown in (("id_number", masked.id_number_masked), ("phone", masked.phone_masked)):
                if shown:
                    self.fields[name].help_text = f"现登记为 {shown}；不修改请留空，修改请输入完整号码。"
        self.fields["region"].queryset = regions_for(user)
        self.fields["region"].label_from_instance = lambda r: f"{r.name}（{r.code}）"

    def person_values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return data


class RevealForm(StyledForm):
    field = forms.ChoiceField(choices=[("id_number", "公民身份号码"), ("phone", "联系电话")])
    reason = forms.CharField(label="查看事由", max_length=200)


def picked(label: str) -> forms.IntegerField:
    """A person chosen with the person picker (people/_person_picker.html): his id in a hidden
    field, looked up in the user's jurisdiction by the view."""
    return forms.IntegerField(
        label=label, widget=forms.HiddenInput, error_messages={"required": "请先检索并选择人员。"}
    )


class RelationForm(StyledForm):
    relative = picked("亲属")
    kind = forms.ChoiceField(label="该亲属是本人的", choices=RelationKind.choices)
    note = forms.CharField(label="说明", max_length=100, required=False)


class RelationRemoveForm(StyledForm):
    relative = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="删除原因", max_length=200)


class RelationCorrectForm(StyledForm):
    relative = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="该亲属是本人的", choices=RelationKind.choices)
    reason = forms.CharField(label="更正原因", max_length=200)


class HouseholdForm(StyledForm):
    name = forms.CharField(label="户名", max_length=50, required=False, help_text="不填则以户主姓名称呼")
    address = forms.CharField(label="住址", max_length=200, required=False)


class HouseholdGridForm(StyledForm):
    """The 网格 of the household's village it is placed in (the choices are that village's grids)."""

    grid = forms.ModelChoiceField(
        label="网格", queryset=Grid.objects.none(), required=False, empty_label="未指定（由本村第一网格负责）"
    )

    def __init__(self, *args, village_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.filter(village_id=village_id).order_by("id")


class HouseholdMemberForm(StyledForm):
    member = picked("成员")


class HouseholdHeadForm(StyledForm):
    head = forms.IntegerField(widget=forms.HiddenInput)


class IdentityForm(StyledForm):
    # 民兵 is given by 民兵整组 only (militia.rules check age and eligibility there).
    kind = forms.ChoiceField(
        label="身份", choices=[(k, label) for k, label in IdentityKind.choices if k != IdentityKind.MILITIA]
    )
    subtype = forms.ChoiceField(
        label="遗属类别",
        choices=[
            ("", "—"),
            ("martyr", "烈士遗属"),
            ("died_on_duty", "因公牺牲军人遗属"),
            ("died_of_illness", "病故军人遗属"),
        ],
        required=False,
    )
    since = FactDateField(label="起始日期")


class ServiceRecordForm(StyledForm):
    enlisted_on = FactDateField(label="入伍日期")
    discharged_on = FactDateField(label="退役日期", required=False)
    service_type = forms.ChoiceField(label="人员类别", choices=ServiceType.choices)
    branch = forms.ChoiceField(label="军兵种", choices=[("", "—"), *Branch.choices], required=False)
    settlement_type = forms.ChoiceField(
        label="安置方式", choices=[("", "—"), *SettlementType.choices], required=False
    )
    discharge_certificate_no = forms.CharField(label="退役证号", max_length=50, required=False)


class AwardForm(StyledForm):
    level = forms.ChoiceField(label="奖励等级", choices=AwardLevel.choices)
    awarded_on = FactDateField(label="授予日期")
    notice_number = forms.CharField(label="通知文号", max_length=100, required=False)


class DocumentForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=DocumentKind.choices)
    title = forms.CharField(label="名称", max_length=200, required=False)
    file = forms.FileField(label="文件")


class MergeForm(StyledForm):
    duplicate = picked("重复记录")
    reason = forms.CharField(label="合并原因", max_length=200)
    confirm = forms.BooleanField(label="我已核对，两条记录是同一人", required=True)
