from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms

from yizhan.benefits.models import PlaqueCategory
from yizhan.core.dates import FactDateField, PlanningDateField
from yizhan.core.forms import StyledForm
from yizhan.people.models import AwardLevel
from yizhan.text import NameField


def _money(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=Decimal("0"), required=required
    )


def _year() -> forms.IntegerField:
    return forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class RecipientForm(StyledForm):
    recipient = forms.TypedChoiceField(label="领取人", coerce=int, empty_value=None)
    bank_name = forms.CharField(label="开户行", max_length=100, help_text="如：中国农业银行德州新湖支行")
    account = forms.CharField(
        label="银行账号",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text="加密保存，页面和导出中只显示前四位和后四位",
    )
    designated_on = FactDateField(label="确定日期")
    graduate = forms.BooleanField(label="大学生（大专及以上学历）", required=False)
    hardship = forms.BooleanField(label="在艰苦边远地区服役", required=False)

    def __init__(self, *args, candidates: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "请选择家庭成员")] + [
            (person.pk, f"{person.name}（{relation}）") for person, relation in candidates
        ]


class PlaqueForm(StyledForm):
    category = forms.ChoiceField(label="光荣牌类别", choices=PlaqueCategory.choices)
    hung_on = FactDateField(label="悬挂日期")
    hung_by = NameField(
        label="悬挂人员", max_length=200, help_text="部站联合悬挂：如 区退役军人事务局 张三、街道武装部 李四"
    )
    signed = forms.BooleanField(label="家属已签收", required=False)
    signature_note = forms.CharField(label="签收说明", max_length=200, required=False)


class BatchForm(StyledForm):
    county = forms.ChoiceField(label="区县")
    as_of = PlanningDateField(label="截至日期", help_text="此日期前已开始的期次计入本批")

    def __init__(self, *args, counties: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]


class PaidForm(StyledForm):
    paid_on = FactDateField(label="发放日期")
    reference = forms.CharField(label="发放凭证号", max_length=100, help_text="银行回单号或拨付文号")


class ReasonForm(StyledForm):
    reason = forms.CharField(label="事由", max_length=200)


class AllowanceRateForm(StyledForm):
    # "" is the national default, a valid choice for administrators (the service checks who).
    region_code = forms.ChoiceField(label="适用地区", required=False)
    year = _year()
    annual_amount = _money("年标准（元）")
    graduate_extra = _money("大学生增发（元/年）", required=False)
    hardship_extra = _money("艰苦边远地区增发（元/年）", required=False)
    note = forms.CharField(label="依据/说明", max_length=200, required=False)

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions
        self.fields["year"].initial = datetime.date.today().year


class BonusRateForm(StyledForm):
    # "" is the national default, a valid choice for administrators (the service checks who).
    region_code = forms.ChoiceField(label="适用地区", required=False)
    year = _year()
    level = forms.ChoiceField(label="奖励等级", choices=AwardLevel.choices)
    amount = _money("金额（元）")

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions
