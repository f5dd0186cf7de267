from __future__ import annotations

from django import forms

from yizhan.accounts.authority import grantable_roles, may_grant
from yizhan.accounts.models import DeviceKind, User
from yizhan.accounts.roles import Department, Perm, Role
from yizhan.core.forms import StyledForm
from yizhan.system.selectors import regions_for

MISSING_REGION = "未找到该区划，请在区划树中选择。"


class RegionField(forms.CharField):
    """A 12-digit code chosen in the region-tree picker (system/_region_picker.html)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "区划")
        kwargs.setdefault("required", False)
        super().__init__(max_length=12, **kwargs)


class _Scoped(StyledForm):
    """A form whose region must lie where the user holds `perm`: a foreign code gets the same
    answer as a code that does not exist."""

    perm = ""

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_region(self):
        code = self.cleaned_data.get("region", "").strip()
        if not code:
            return None
        region = regions_for(self.user, self.perm).filter(code=code).first()
        if region is None:
            raise forms.ValidationError(MISSING_REGION)
        return region


class PostForm(_Scoped):
    perm = Perm.MANAGE_ACCOUNTS
    role = forms.ChoiceField(label="角色")
    department = forms.ChoiceField(label="部门", choices=Department.choices, initial=Department.BOTH)
    region = RegionField()
    title = forms.CharField(label="职务", max_length=50, required=False, help_text="如：服务站干事、民兵连长")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in grantable_roles(user)]

    def clean(self):
        data = super().clean()
        role, region = data.get("role"), data.get("region")
        if role is None or "region" in self.errors:
            return data
        if role != Role.SYSADMIN and region is None:
            self.add_error("region", "请选择岗位所在的区划。")
        elif role == Role.SYSADMIN and region is not None:
            self.add_error("region", "系统管理员岗位不属于任何区划，请不要选择区划。")
        elif not may_grant(self.user, role=role, region_code=region.code if region else None):
            self.add_error("role", "您的岗位不能在该区划设置此角色。")
        return data


class AccountForm(PostForm):
    username = forms.CharField(
        label="用户名", max_length=30, help_text="3–30 位小写字母、数字或下划线，以字母开头"
    )
    display_name = forms.CharField(label="姓名", max_length=50)
    field_order = ["username", "display_name", "role", "department", "region", "title"]


class StaffFilter(StyledForm):
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    department = forms.ChoiceField(
        label="部门", required=False, choices=[("", "全部部门"), *Department.choices]
    )
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), ("active", "在岗"), ("locked", "已锁定"), ("ended", "已离岗")],
    )


class DeviceForm(_Scoped):
    perm = Perm.MANAGE_DEVICES
    kind = forms.ChoiceField(label="类型", choices=DeviceKind.choices)
    name = forms.CharField(label="名称", max_length=100, help_text="如：一号窗口叫号屏")
    region = RegionField(label="所属站点")

    def clean(self):
        data = super().clean()
        if "region" not in self.errors and data.get("region") is None:
            self.add_error("region", "请选择设备所属的站点。")
        return data


class VillageForm(StyledForm):
    code = forms.CharField(
        label="区划代码", max_length=12, help_text="12 位，前 9 位为所属乡镇（街道）的代码"
    )
    name = forms.CharField(label="名称", max_length=100)


class RenameForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)


class GridForm(StyledForm):
    name = forms.CharField(label="网格名称", max_length=100)
    liaison = forms.ChoiceField(label="网格联络员", required=False)

    def __init__(self, *args, liaisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.liaisons = {str(u.pk): u for u in liaisons}
        self.fields["liaison"].choices = [("", "（暂无）")] + [
            (pk, str(u)) for pk, u in self.liaisons.items()
        ]
        self.fields["liaison"].error_messages["invalid_choice"] = "请选择本村（社区）的联络员。"

    def clean_liaison(self):
        return self.liaisons.get(self.cleaned_data.get("liaison") or "")


class RegionListForm(StyledForm):
    file = forms.FileField(
        label="区划代码表（CSV）", help_text="表头含“统计用区划代码”和“名称”两列，UTF-8 或 GBK 编码"
    )


class PersonLinkForm(StyledForm):
    id_number = forms.CharField(label="本人身份证号", max_length=18)
