"""The form of one rule value (参数设置): its field follows the registry entry's type and bounds."""

from __future__ import annotations

from django import forms

from yizhan.core.dates import DATE_INPUT
from yizhan.core.forms import StyledForm, styled
from yizhan.core.policy_values import PolicySpec


class PolicyValueForm(StyledForm):
    effective_from = forms.DateField(label="生效日期", widget=DATE_INPUT)
    reason = forms.CharField(label="修改原因", max_length=200, help_text="如文件依据、会议决定")

    def __init__(self, *args, spec: PolicySpec, may_inherit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if spec.kind == "choice":
            value = forms.ChoiceField(label=spec.label, choices=spec.choices, required=False)
        elif spec.kind == "month_day":
            value = forms.CharField(label=f"{spec.label}（月-日）", max_length=5, required=False)
        else:
            # The bounds are checked by the service (PolicySpec.clean), one message for page and code.
            value = forms.IntegerField(
                label=f"{spec.label}（{spec.unit}）" if spec.unit else spec.label,
                required=False,
                widget=forms.NumberInput(attrs={"min": spec.low, "max": spec.high}),
            )
        self.fields = {"value": styled(value), **self.fields}
        if may_inherit:
            self.fields["inherits"] = styled(
                forms.BooleanField(label="不再单独设置，自生效日期起沿用上级", required=False)
            )

    def clean(self):
        data = super().clean()
        if not data.get("inherits") and "value" not in self.errors and data.get("value") in (None, ""):
            self.add_error("value", "请填写取值。")
        return data
