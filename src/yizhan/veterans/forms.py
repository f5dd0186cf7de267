from django import forms

from yizhan.core.dates import FactDateField
from yizhan.core.forms import StyledForm
from yizhan.lifecycle.models import StatusChange
from yizhan.people.models import AwardLevel, SettlementType
from yizhan.text import NameField
from yizhan.veterans.models import (
    AssistanceStatus,
    CheckinDocument,
    EmploymentKind,
    EmploymentStatus,
    ProfileCategory,
)
from yizhan.veterans.services import REFUSAL_GROUNDS


class DischargeForm(StyledForm):
    on = FactDateField(label="退役日期")
    settlement_type = forms.ChoiceField(label="安置方式", choices=SettlementType.choices)
    certificate_no = forms.CharField(label="退役证号", max_length=50, required=False)


class DeathForm(StyledForm):
    on = FactDateField(label="日期")
    subtype = forms.ChoiceField(
        label="类别", choices=[("martyr", "烈士"), ("died_on_duty", "因公牺牲"), ("died_of_illness", "病故")]
    )


class StatusChangeForm(StyledForm):
    on = FactDateField(label="日期")
    change = forms.ChoiceField(label="变化", choices=StatusChange.choices)


class AwardForm(StyledForm):
    level = forms.ChoiceField(label="奖励等级", choices=AwardLevel.choices)
    awarded_on = FactDateField(label="授予日期")
    notice_number = forms.CharField(label="部队通知文号", max_length=100, required=False)
    received_on = FactDateField(label="收到通知日期")


class CheckinForm(StyledForm):
    on = FactDateField(label="报到日期")
    documents = forms.MultipleChoiceField(
        label="已收材料", choices=CheckinDocument.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    late_reason = forms.CharField(label="逾期原因（超过 30 天时填写）", max_length=200, required=False)


class ProfileForm(StyledForm):
    category = forms.ChoiceField(label="类别", choices=ProfileCategory.choices)
    living_conditions = forms.CharField(label="生活状况", max_length=200, required=False)
    employment = forms.ChoiceField(
        label="就业状况", choices=[("", "—"), *EmploymentStatus.choices], required=False
    )
    insurance = forms.CharField(label="社会保险", max_length=200, required=False)
    housing = forms.CharField(label="住房情况", max_length=200, required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    on = FactDateField(label="确认日期")
    alive = forms.BooleanField(label="健在", required=False, initial=True)
    status_note = forms.CharField(label="情况说明", max_length=200, required=False)


class EmploymentForm(StyledForm):
    kind = forms.ChoiceField(label="服务类型", choices=EmploymentKind.choices)
    on = FactDateField(label="日期")
    details = forms.CharField(label="内容", max_length=300)
    outcome = forms.CharField(label="结果", max_length=300, required=False)


class AssistanceForm(StyledForm):
    on = FactDateField(label="申请日期")
    hardship = forms.CharField(label="困难类型", max_length=100)
    description = forms.CharField(label="困难情况", widget=forms.Textarea(attrs={"rows": 3}))


class AssistanceMoveForm(StyledForm):
    to = forms.ChoiceField(
        label="办理",
        choices=[
            (value, label) for value, label in AssistanceStatus.choices if value != AssistanceStatus.APPLIED
        ],
    )
    note = forms.CharField(label="意见/说明", max_length=300, required=False)
    amount = forms.DecimalField(label="金额（元）", max_digits=10, decimal_places=2, required=False)
    on = FactDateField(label="发放日期", required=False)
    reference = forms.CharField(label="凭证号", max_length=100, required=False)


class CardApplicationForm(StyledForm):
    photo = forms.FileField(label="白底证件照（352×440 像素）", required=False)
    phone = forms.CharField(label="联系电话（登记中缺失时填写）", max_length=40, required=False)
    applicant = NameField(label="申请人", max_length=50, initial="本人")
    bed_bound = forms.BooleanField(
        label="卧床（行动不便）", required=False, help_text="卧床或年满 80 岁的申请人，由服务站上门办理。"
    )
    refusal_grounds = forms.MultipleChoiceField(
        label="有下列情形之一的不予受理（如有请勾选）",
        choices=list(REFUSAL_GROUNDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    on = FactDateField(label="受理日期")


class CardMoveForm(StyledForm):
    to = forms.CharField(widget=forms.HiddenInput)
    on = FactDateField(label="日期")
    reason = forms.CharField(label="退回原因", max_length=200, required=False)
    signed_by = NameField(label="签收人", max_length=50, required=False)
