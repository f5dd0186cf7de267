"""Domain events: the facts recorded once that set off everything that follows (落一子全盘活)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    REGISTRATION_RECORDED = "registration_recorded", "兵役登记"
    CANDIDATE_FAILED = "candidate_failed", "应征未通过"
    ENLISTMENT_APPROVED = "enlistment_approved", "批准入伍"
    RECRUIT_RETURNED = "recruit_returned", "退兵"
    AWARD_RECORDED = "award_recorded", "立功受奖"
    STATUS_CHANGED = "status_changed", "身份变化（提干/军校/军士）"
    DISCHARGED = "discharged", "退出现役"
    DIED_IN_SERVICE = "died_in_service", "服役期间牺牲/病故"
    GIFT_PACK_DELIVERED = "gift_pack_delivered", "入伍礼包送达"
    RELATION_RECORDED = "relation_recorded", "登记亲属关系"
    RELATION_REMOVED = "relation_removed", "删除亲属关系"
    RELATION_CORRECTED = "relation_corrected", "更正亲属关系"
    FAMILY_FACTS_CHANGED = "family_facts_changed", "出生日期或能否独立生活变更"
    FACT_CORRECTED = "fact_corrected", "更正"
    FACT_WITHDRAWN = "fact_withdrawn", "撤销"
    CARD_ARRIVED = "card_arrived", "优待证已到县"
    # Facts of the veterans' workflows that a hall case (办件) waits for: each closes its case.
    CHECKIN_RECORDED = "checkin_recorded", "退役报到"
    PROFILE_RECORDED = "profile_recorded", "建档立卡"
    CARD_ACCEPTED = "card_accepted", "优待证受理"
    CARD_ISSUED = "card_issued", "优待证发放"
    RECIPIENT_NAMED = "recipient_named", "确定优待金领取人"
    ASSISTANCE_APPLIED = "assistance_applied", "帮扶援助申请"
    EMPLOYMENT_SERVED = "employment_served", "就业创业服务"
    PLAQUE_HUNG = "plaque_hung", "悬挂光荣牌"


class StatusChange(models.TextChoices):
    """The payload "change" of STATUS_CHANGED: each ends the 义务兵 status (and the allowance)."""

    PROMOTED_OFFICER = "promoted_officer", "提干"
    MILITARY_ACADEMY = "military_academy", "考入军队院校"
    NCO_CONVERSION = "nco_conversion", "选改军士"


class DomainEvent(models.Model):
    kind = models.CharField("事件", max_length=40, choices=EventKind.choices)
    # What makes the fact unique (e.g. "candidate:12"): the database refuses it twice, so a
    # replayed approval can never fire its consequences again.
    key = models.CharField(max_length=100)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="events")
    region_code = models.CharField(max_length=12, db_index=True)
    occurred_on = models.DateField("发生日期")
    payload = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "业务事件"
        ordering = ["-occurred_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="event_once_per_fact")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.person}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarDay(models.Model):
    """A day the official calendar (国务院办公厅's yearly notice) sets apart from Monday–Friday:
    a public holiday, or a weekend day worked in exchange (调休上班). Every other day is a working
    day from Monday to Friday."""

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("节日", max_length=20)

    class Meta:
        verbose_name = "法定节假日与调休"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}{self.get_kind_display()}"
