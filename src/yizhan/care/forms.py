from __future__ import annotations

from django import forms
from django.utils import timezone

from yizhan.care.models import GIFT_PACK_ITEMS
from yizhan.care.services import Photo
from yizhan.core.dates import FactDateField
from yizhan.core.forms import StyledForm
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
