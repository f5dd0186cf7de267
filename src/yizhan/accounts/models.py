"""Staff accounts and their posts (岗位): role × department × region."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yizhan.accounts.roles import AREAS, ROLE_PERMISSIONS, Department, Role
from yizhan.regions.models import Region


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=50, blank=True)
    # Set when an administrator creates the account or resets its password: the first login
    # must choose a new one (issue #12). password_changed_at drives the expiry policy.
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # A veteran working at the station is also in the registry: the account and the person stay
    # two records, linked here (named by string: people sits above accounts). On a merge of
    # duplicates the link moves with the person's other records.
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="staff_account",
        verbose_name="本人登记信息",
    )  # fmt: skip

    class Meta:
        verbose_name = "工作人员"

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def active_posts(self) -> list[Post]:
        return list(self.posts.filter(Post.active_q()).select_related("region"))

    @cached_property
    def permissions(self) -> frozenset[str]:
        perms: set[str] = set()
        for post in self.active_posts:
            perms |= ROLE_PERMISSIONS[post.role]
        return frozenset(perms)

    def can(self, perm: str) -> bool:
        return perm in self.permissions

    @cached_property
    def scope_bounds(self) -> list[tuple[str, str]]:
        """Code ranges this user may see personal data in; empty for administrators."""
        return [p.region.bounds for p in self.active_posts if p.role != Role.SYSADMIN and p.region_id]

    @property
    def primary_post(self) -> Post | None:
        return self.active_posts[0] if self.active_posts else None

    @cached_property
    def menu_areas(self) -> list[tuple[str, str, str]]:
        """(key, label, url name) of the areas any of the user's posts opens."""
        shown = []
        for key, label, roles, departments, url_name in AREAS:
            if any(p.role in roles and p.department in departments for p in self.active_posts):
                shown.append((key, label, url_name))
        return shown


class Post(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="posts")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    department = models.CharField("部门", max_length=20, choices=Department.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(
        "职务", max_length=50, blank=True, help_text="如：部长兼站长、服务站干事、民兵连长"
    )
    started_on = models.DateField("任职日期", default=timezone.localdate)
    ended_on = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = "岗位"
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.SYSADMIN) | Q(region__isnull=False),
                name="post_region_required_for_staff",
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else "全局"
        return f"{where} {self.title or self.get_role_display()}（{self.get_department_display()}）"

    @staticmethod
    def active_q(today=None) -> Q:
        today = today or timezone.localdate()
        return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))


class ApiToken(models.Model):
    """A token for system integration: the API acts as `user`, with his posts' scope. Only a
    SHA-256 of the token is stored; the token itself is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已停用"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "已过期"
        return "有效"


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords: a new one may not repeat the last few."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.replaced_at:%Y-%m-%d}"


class ActiveSession(models.Model):
    """A signed-in browser session, for 在线用户: made at login, removed at logout or when ended;
    last activity is written at most once a minute (accounts.middleware)."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    # The user's region when he signed in ("" for an administrator): who may see and end it.
    region_code = models.CharField("区划", max_length=12, blank=True, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    started_at = models.DateTimeField("登录时间", default=timezone.now)
    last_seen_at = models.DateTimeField("最后活动", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "在线会话"
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.started_at:%Y-%m-%d %H:%M}"


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", "大厅取号机"
    SCREEN = "screen", "大厅叫号屏"
    DASHBOARD = "dashboard", "领导大屏"


class Device(models.Model):
    """A screen or kiosk of a station, signed in by a token instead of a person: it opens only
    the pages made for devices (accounts.devices.device_required), never a staff page. Only a
    SHA-256 of the token is stored; the token is shown once, when issued."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="devices", verbose_name="所属站点"
    )
    kind = models.CharField("类型", max_length=20, choices=DeviceKind.choices)
    name = models.CharField("名称", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "设备"
        ordering = ["region_id", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.name}（{self.get_kind_display()}）"
