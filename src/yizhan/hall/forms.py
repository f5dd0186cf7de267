from __future__ import annotations

from django import forms

from yizhan.core.forms import StyledForm
from yizhan.hall.models import Window, WindowKind


class VisitorForm(StyledForm):
    """取号's optional visitor details (kiosk and front desk)."""

    id_number = forms.CharField(
        label="身份证号（选填）", required=False, max_length=30,
        help_text="填写后可识别是否优先，窗口办理时不用再录入",
    )  # fmt: skip
    phone = forms.CharField(label="手机号（选填）", required=False, max_length=30)
    disabled = forms.BooleanField(label="残疾人（请在窗口出示残疾人证）", required=False)


class DeskIssueForm(VisitorForm):
    item = forms.ChoiceField(label="服务事项")

    field_order = ["item", "id_number", "phone", "disabled"]

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "请选择")] + [(i.code, i.name) for i in items]


class TransferForm(StyledForm):
    to_window = forms.ModelChoiceField(label="转至窗口", queryset=Window.objects.none(), empty_label="请选择")
    note = forms.CharField(label="转移说明", max_length=200, help_text="告诉下一个窗口要办什么")

    def __init__(self, *args, windows, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_window"]
        field.queryset = windows
        # The console renders this field once per current visitor: read the windows once, not
        # once per rendering (the choice still validates against the queryset).
        field.choices = list(field.choices)


class OverrideForm(StyledForm):
    region_code = forms.ChoiceField(label="适用地区")
    offered = forms.BooleanField(label="本地受理此事项", required=False, initial=True)
    promised_days = forms.IntegerField(
        label="承诺时限（工作日）", required=False, min_value=1, max_value=365, help_text="留空沿用全国清单"
    )
    visits = forms.TypedChoiceField(
        label="到现场次数", required=False, coerce=int, empty_value=None,
        choices=[("", "沿用全国清单"), (0, "0次"), (1, "1次")],
    )  # fmt: skip
    legal_basis = forms.CharField(
        label="本地依据（补充）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label="本地说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="修改原因", max_length=200)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(r.code, r.name) for r in regions]


class WindowForm(StyledForm):
    number = forms.IntegerField(label="窗口号", min_value=1, max_value=99)
    kind = forms.ChoiceField(label="窗口类型", choices=[("", "请选择"), *WindowKind.choices])
    prefix = forms.CharField(
        label="号码字头", max_length=1, help_text="一个大写英文字母，本窗口的号码以它开头"
    )
    items = forms.MultipleChoiceField(
        label="受理事项", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="取号机上只出现由启用窗口受理的事项",
    )  # fmt: skip
    active = forms.BooleanField(label="启用（开放取号和叫号）", required=False, initial=True)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.code, f"{i.name}（{i.get_owner_display()}）") for i in items]
        self.fields["number"].error_messages["invalid"] = "窗口号应为整数。"
