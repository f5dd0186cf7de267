"""服务大厅: the 事项清单 (service catalog), the windows of each station and the tickets of 取号/叫号.

The catalog is national (DOMAIN.md's 事项清单, seeded by migration); a county adjusts an item for its
stations through ServiceItemOverride (系统 → 参数设置), the most specific region applying as for every
policy (core.policy). Windows and tickets belong to one station (a township region). The service
cases (办件) built on a called ticket live in hall/case_models.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yizhan.core import crypto
from yizhan.core.masking import mask_id_number, mask_name, mask_phone
from yizhan.regions.models import Region

TICKET_ID_CONTEXT = "ticket.id_number"
TICKET_PHONE_CONTEXT = "ticket.phone"


class Owner(models.TextChoices):
    ARMED_FORCES = "armed_forces", "武装部"
    VETERANS = "veterans", "服务站"
    JOINT = "joint", "联办"


class ItemKind(models.TextChoices):
    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"


class Applicant(models.TextChoices):
    SELF = "self", "本人"
    FAMILY = "family", "家属"
    GUARDIAN = "guardian", "监护人"
    AGENT = "agent", "代理人"


class Workflow(models.TextChoices):
    """The existing form an item opens (hall cases open it and close when its fact is recorded);
    PLAIN: no form yet — the clerk closes the case by hand."""

    REGISTRATION = "registration", "兵役登记"
    LATE_REGISTRATION = "late_registration", "兵役登记补登"
    VERIFICATION = "verification", "兵役登记核验"
    ENLISTMENT_APPLICATION = "enlistment_application", "应征报名"
    HOME_CHECK = "home_check", "走访调查与公示"
    ALLOWANCE_RECIPIENT = "allowance_recipient", "优待金领取人"
    GIFT_PACK = "gift_pack", "入伍礼包"
    HONOR_PLAQUE = "honor_plaque", "光荣牌悬挂"
    MERIT_NOTICE = "merit_notice", "送喜报"
    CHECKIN = "checkin", "退役报到"
    PROFILE_RECORD = "profile_record", "建档立卡"
    PREFERENTIAL_CARD = "preferential_card", "优待证申领"
    YEARLY_CONFIRMATION = "yearly_confirmation", "年度确认"
    CONDOLENCE_VISIT = "condolence_visit", "走访慰问"
    ASSISTANCE = "assistance", "帮扶援助"
    EMPLOYMENT = "employment", "就业创业服务"
    PLAIN = "plain", "一般办件（人工办结）"


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    BOTH = "both", "原件及复印件"


class OnFile(models.TextChoices):
    """Which registry fact already holds a material, so the clerk need not take it again."""

    ID_NUMBER = "id_number", "身份证号码（人员信息）"
    HOUSEHOLD = "household", "户籍信息（户）"
    PHOTO = "photo", "照片（人员信息）"
    SERVICE_RECORD = "service_record", "服役记录（退役证明）"
    AWARD = "award", "立功受奖记录"
    PROFILE_RECORD = "profile_record", "建档立卡信息"
    REGISTRATION = "registration", "兵役登记信息"


class ServiceItem(models.Model):
    """One row of the 事项清单, as a 办事指南 publishes it (codes after GB/T 39554.1's shape)."""

    code = models.CharField("事项编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=100)
    owner = models.CharField("责任部门", max_length=20, choices=Owner.choices)
    kind = models.CharField("办件类型", max_length=20, choices=ItemKind.choices)
    # 承诺件 only: the promised limit in working days (core calendar), counted from 受理.
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）", null=True, blank=True)
    legal_basis = models.TextField("设定依据", blank=True)
    applicants = models.JSONField("申请人", default=list, help_text="Applicant 代码的列表")
    fee = models.CharField("收费标准", max_length=50, default="不收费")
    visits = models.PositiveSmallIntegerField("到现场次数", default=1, choices=[(0, "0次"), (1, "1次")])
    workflow = models.CharField("办理表单", max_length=40, choices=Workflow.choices, default=Workflow.PLAIN)
    conditions = models.TextField("受理条件", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "服务事项"
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ItemKind.IMMEDIATE) | Q(promised_days__gte=1),
                name="hall_item_promised_has_days",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def applicant_labels(self) -> list[str]:
        return [Applicant(code).label for code in self.applicants if code in Applicant.values]


class Material(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=100)
    form = models.CharField("原件/复印件", max_length=20, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    on_file = models.CharField("登记信息中已有", max_length=20, choices=OnFile.choices, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "申请材料"
        ordering = ["item", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class ServiceItemOverride(models.Model):
    """A county's (or city's, province's) adjustment of a national item; blank fields inherit."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="overrides")
    region_code = models.CharField("适用地区", max_length=12)
    offered = models.BooleanField("本地受理", default=True)
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）", null=True, blank=True)
    visits = models.PositiveSmallIntegerField(
        "到现场次数", null=True, blank=True, choices=[(0, "0次"), (1, "1次")]
    )
    legal_basis = models.TextField("本地依据（补充）", blank=True)
    note = models.TextField("本地说明", blank=True)
    # None: set by the system itself (a seed, a management command), as core.PolicyValue.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "服务事项本地设置"
        constraints = [
            models.UniqueConstraint(fields=["item", "region_code"], name="hall_override_unique_region"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.region_code}"


class WindowKind(models.TextChoices):
    CONSCRIPTION = "conscription", "征兵"
    MILITIA = "militia", "民兵"
    VETERANS = "veterans", "退役军人事务"
    GENERAL = "general", "综合"


class Window(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="hall_windows", verbose_name="站点"
    )
    number = models.PositiveSmallIntegerField("窗口号")
    kind = models.CharField("窗口类型", max_length=20, choices=WindowKind.choices)
    # The letter every ticket of this window starts with (A001 …), as the screen calls it.
    prefix = models.CharField("号码字头", max_length=1)
    items = models.ManyToManyField(ServiceItem, related_name="windows", blank=True, verbose_name="受理事项")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "窗口"
        ordering = ["region_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="hall_window_unique_number"),
            models.UniqueConstraint(fields=["region", "prefix"], name="hall_window_unique_prefix"),
            models.CheckConstraint(condition=Q(prefix__regex=r"^[A-Z]$"), name="hall_window_prefix_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.number}号窗口（{self.get_kind_display()}）"


class WindowSignIn(models.Model):
    """A clerk at a window for one day; he calls only while signed in there."""

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="sign_ins")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="window_sign_ins"
    )
    day = models.DateField("日期")
    signed_in_at = models.DateTimeField("签到时间", auto_now_add=True)
    signed_out_at = models.DateTimeField("签退时间", null=True, blank=True)

    class Meta:
        verbose_name = "窗口签到"
        ordering = ["day", "signed_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["window", "clerk", "day"], name="hall_signin_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.window} · {self.clerk} · {self.day}"


class TicketState(models.TextChoices):
    WAITING = "waiting", "等待"
    CALLED = "called", "已叫号"
    SERVING = "serving", "办理中"
    DONE = "done", "已完成"
    NO_SHOW = "no_show", "过号"
    TRANSFERRED = "transferred", "已转移"


class PriorityReason(models.TextChoices):
    ELDERLY = "elderly", "高龄老人"
    DISABLED = "disabled", "残疾人"
    ENTITLED = "entitled", "优抚对象"


class Channel(models.TextChoices):
    KIOSK = "kiosk", "自助取号机"
    DESK = "desk", "前台取号"
    TRANSFER = "transfer", "窗口转移"


class Ticket(models.Model):
    """One visit in the queue of one window. A transfer finishes this ticket as 已转移 and opens a
    new one at the other window with the same number (the visitor keeps his slip), linked by
    `transferred_from`, so each window's wait and service times stay its own."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="hall_tickets", verbose_name="站点"
    )
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="tickets", verbose_name="窗口")
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="tickets", verbose_name="事项"
    )
    day = models.DateField("取号日期")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("号码", max_length=8)
    channel = models.CharField("取号渠道", max_length=20, choices=Channel.choices)
    priority = models.BooleanField("优先", default=False)
    priority_reason = models.CharField("优先原因", max_length=20, choices=PriorityReason.choices, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="hall_tickets",
        verbose_name="办事人",
    )  # fmt: skip
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_bidx = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_bidx = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    ENCRYPTED_COLUMNS = (
        ("id_number_enc", "id_number_bidx", TICKET_ID_CONTEXT),
        ("phone_enc", "phone_bidx", TICKET_PHONE_CONTEXT),
    )
    state = models.CharField("状态", max_length=20, choices=TicketState.choices, default=TicketState.WAITING)
    call_count = models.PositiveSmallIntegerField("叫号次数", default=0)
    # The queue's "first come": a transferred ticket keeps the time its visitor first queued.
    queued_at = models.DateTimeField("排队时间")
    issued_at = models.DateTimeField("取号时间")
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)  # the first call: wait ends
    # The latest call (a recall too): what the hall screen shows first.
    last_called_at = models.DateTimeField("最近叫号时间", null=True, blank=True)
    started_at = models.DateTimeField("开始办理时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="叫号人",
    )  # fmt: skip
    transferred_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_to",
        verbose_name="转自",
    )  # fmt: skip
    transfer_note = models.CharField("转移说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "排队号"
        ordering = ["day", "window_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "day", "seq"],
                condition=Q(transferred_from__isnull=True),
                name="hall_ticket_unique_number",
            ),
        ]
        indexes = [
            # The call-next query: one window's waiting tickets of the day, priority then first come.
            models.Index(
                fields=["window", "day", "state", "priority", "queued_at"], name="hall_ticket_queue"
            ),
            models.Index(fields=["region", "day"], name="hall_ticket_region_day"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc, context=TICKET_ID_CONTEXT) if self.id_number_enc else ""

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc, context=TICKET_PHONE_CONTEXT) if self.phone_enc else ""

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def name_masked(self) -> str:
        """张* on the hall screen; blank for an unknown visitor."""
        return mask_name(self.person.name) if self.person_id else ""


from yizhan.hall.case_models import *  # noqa: E402, F403 — the 办件 models, kept in their own module
