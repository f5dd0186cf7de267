from __future__ import annotations

from django import forms

from yizhan.core.forms import StyledForm
from yizhan.ledgers.importing.columns import IGNORED, SEQUENCE
from yizhan.ledgers.models import ImportKind

LEVEL_INDENT = {"county": 0, "township": 1, "village": 2}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how Excel names the column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class UploadForm(StyledForm):
    kind = forms.ChoiceField(label="台账类型", choices=ImportKind.choices)
    # A plain code: the view resolves it through the scoped selector, so a region outside the
    # user's jurisdiction answers 404 like everything else out of scope.
    region = forms.CharField(label="导入地区", widget=forms.Select)
    file = forms.FileField(label="台账文件", help_text="xlsx、xls 或 csv（UTF-8 或 GBK）")

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = [
            (r.code, "　" * LEVEL_INDENT.get(r.level, 0) + r.name) for r in regions
        ]


class MappingForm(StyledForm):
    header_row = forms.IntegerField(label="表头所在行", min_value=1)
    template_name = forms.CharField(
        label="另存为模板",
        required=False,
        max_length=100,
        help_text="填写名称后，以后上传同类台账自动套用此对应",
    )

    def __init__(
        self, *args, headers: dict[int, str], fields: list[tuple[str, str]], mapping: dict, **kwargs
    ):
        super().__init__(*args, **kwargs)
        choices = [("", "（不导入）"), (SEQUENCE, "序号"), *fields, (IGNORED, "错误原因（忽略）")]
        self.columns = []
        for index, header in sorted(headers.items()):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=f"{column_letter(index)} 列：{header}",
                choices=choices,
                required=False,
                initial=mapping.get(str(index), ""),
            )
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
            self.columns.append((index, header, name))

    def mapping(self) -> dict[str, str]:
        return {str(i): self.cleaned_data[name] for i, _, name in self.columns if self.cleaned_data.get(name)}
