from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from yizhan.care.campaigns import Standard
from yizhan.care.groups import GROUPS
from yizhan.care.models import GIFT_PACK_ITEMS, ContactChannel, FollowUp, Occasion, VisitStatus
from yizhan.care.services import Photo
from yizhan.core.dates import FactDateField, PlanningDateField
from yizhan.core.forms import StyledForm, styled
from yizhan.people.models import Award
from yizhan.text import NameField

TEXT = forms.Textarea(attrs={"rows": 2})


class PhotoForm(StyledForm):
    photo = forms.ImageField(
        label="照片", required=False, help_text="可选；现场照片（JPG、PNG），不超过 20 MB。"
    )

    def photo_value(self) -> Photo | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        upload.seek(0)  # the image check has read it
        return Photo(content=upload.read(), filename=upload.name)


class AwardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Award) -> str:
        number = f"，{obj.notice_number}" if obj.notice_number else ""
        return f"{obj.get_level_display()}（{obj.awarded_on.year}年{obj.awarded_on.month}月{obj.awarded_on.day}日授予{number}）"


class MeritNoticeForm(PhotoForm):
    award = AwardChoiceField(label="立功受奖", queryset=Award.objects.none(), empty_label=None)
    family_address = forms.CharField(label="家庭地址", max_length=200, help_text="军人本人指定的家庭地址。")
    delivered_on = FactDateField(label="送达日期")
    participants = NameField(
        multiline=True,
        label="送达人员",
        widget=TEXT,
        help_text="部站联合送达，如：区人武部 张某；街道武装部 李某；社区 王某。",
    )
    logged_on = FactDateField(
        label="登记日期", help_text="收到喜报后登记的日期；应在立功受奖后 2 个工作日内。"
    )
    family_signed = forms.BooleanField(label="家属已签收", required=False)
    signer_name = NameField(label="签收人", max_length=50, required=False)

    field_order = [
        "award", "family_address", "delivered_on", "participants", "logged_on",
        "family_signed", "signer_name", "photo",
    ]  # fmt: skip

    def __init__(self, *args, awards, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("logged_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards


class GiftPackForm(StyledForm):
    delivered_on = FactDateField(label="送达日期")
    received_by = NameField(label="签收家属", max_length=50, help_text="接收礼包的家庭成员姓名。")
    # Not required here: the service names exactly which items are missing, in one message.
    items = forms.MultipleChoiceField(
        label="送达物品（须三件齐全）",
        choices=GIFT_PACK_ITEMS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    signed = forms.BooleanField(label="家属已在回执上签字", required=False)
    notes = forms.CharField(label="备注", widget=TEXT, required=False)


class VisitForm(PhotoForm):
    visited_on = FactDateField(label="走访日期")
    participants = NameField(label="走访人员", widget=TEXT, multiline=True)
    money = forms.DecimalField(
        label="慰问金（元）", min_value=0, max_digits=10, decimal_places=2, initial=0, required=False
    )
    goods = forms.CharField(label="慰问品", widget=TEXT, required=False)
    notes = forms.CharField(label="走访情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    field_order = ["visited_on", "participants", "money", "goods", "notes", "photo"]


class CampaignForm(StyledForm):
    """A new campaign; each target group's standard comes as money_<n> / goods_<n> of GROUPS[n]."""

    region = forms.ChoiceField(label="活动范围")
    name = forms.CharField(label="活动名称", max_length=100, help_text="如：2027年春节走访慰问。")
    occasion = forms.ChoiceField(label="活动类别", choices=Occasion.choices)
    starts_on = PlanningDateField(label="开始日期")
    ends_on = PlanningDateField(label="结束日期")
    targets = forms.MultipleChoiceField(
        label="慰问对象类别", choices=GROUPS, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )  # fmt: skip

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.full_name) for r in regions]
        for n, (_, label) in enumerate(GROUPS):
            self.fields[f"money_{n}"] = styled(
                forms.DecimalField(
                    label=f"{label}慰问金（元）", min_value=0, max_digits=10, decimal_places=2, required=False
                )
            )
            self.fields[f"goods_{n}"] = styled(
                forms.CharField(label=f"{label}慰问品", max_length=200, required=False)
            )

    def standard_rows(self):
        """(checkbox value, label, money field, goods field) for the table of groups."""
        return [
            (value, label, self[f"money_{n}"], self[f"goods_{n}"]) for n, (value, label) in enumerate(GROUPS)
        ]

    def standards(self) -> list[Standard]:
        data, chosen = self.cleaned_data, set(self.cleaned_data["targets"])
        return [
            Standard(value, data.get(f"money_{n}") or Decimal("0"), data.get(f"goods_{n}") or "")
            for n, (value, _) in enumerate(GROUPS)
            if value in chosen
        ]


class CampaignVisitForm(PhotoForm):
    outcome = forms.ChoiceField(
        label="走访结果", choices=[c for c in VisitStatus.choices if c[0] != VisitStatus.DUE],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}), initial=VisitStatus.VISITED,
    )  # fmt: skip
    visited_on = FactDateField(label="走访日期")
    participants = NameField(
        label="走访人员", widget=TEXT, multiline=True, required=False,
        help_text="部站人员、志愿者均可，如：站长 宋某；联络员 魏某；志愿者 刘某。",
    )  # fmt: skip
    money = forms.DecimalField(
        label="慰问金（元）", min_value=0, max_digits=10, decimal_places=2, required=False
    )
    goods = forms.CharField(label="慰问品", max_length=200, required=False)
    notes = forms.CharField(label="走访情况", widget=TEXT, required=False)
    needs = forms.CharField(label="发现的需求", widget=TEXT, required=False)
    follow_up = forms.ChoiceField(label="需求后续办理", choices=FollowUp.choices, initial=FollowUp.NONE)
    reason = forms.CharField(label="未能走访的原因", max_length=200, required=False)

    field_order = [
        "outcome", "visited_on", "participants", "money", "goods", "notes", "needs", "follow_up", "reason", "photo",
    ]  # fmt: skip


class ContactForm(StyledForm):
    channel = forms.ChoiceField(label="联系方式", choices=ContactChannel.choices)
    contacted_on = FactDateField(label="联系日期")
    notes = forms.CharField(label="联系情况", max_length=300, required=False)
