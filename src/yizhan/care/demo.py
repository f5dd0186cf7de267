"""Demo 走访慰问: a few 喜报 and 入伍礼包 deliveries for the tasks the other demo data set off.

Works on the first PER_TOWNSHIP tasks (by id) of each kind in each township, recording only those
still open, so a second run finds them done and changes nothing. Participants are named by post,
never by invented names of officials.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.accounts.services import save_grid
from yizhan.care import campaigns, groups, services
from yizhan.care.models import GIFT_PACK_ITEMS, CampaignVisit, Occasion, VisitCampaign, VisitStatus
from yizhan.care.selectors import award_choices
from yizhan.people.models import IdentityKind
from yizhan.people.selectors import military_family_of
from yizhan.regions.models import Grid, Region
from yizhan.worklist.models import Task, TaskKind

PER_TOWNSHIP = 2
PARTICIPANTS = "人民武装部部长、退役军人服务站干事、村（社区）民兵连长"


def _first_tasks(kind: str) -> list[Task]:
    chosen: list[Task] = []
    seen: dict[str, int] = {}
    for task in (
        Task.objects.filter(kind=kind, person__isnull=False).select_related("cause", "person").order_by("pk")
    ):
        township = task.region_code[:9]
        if seen.get(township, 0) < PER_TOWNSHIP:
            seen[township] = seen.get(township, 0) + 1
            chosen.append(task)
    return [t for t in chosen if t.is_open]


def _visit_day(task: Task, earliest: datetime.date = datetime.date.min) -> datetime.date | None:
    """The day after the fact, never in the future; None when the fact itself is still ahead."""
    today = timezone.localdate()
    start = max(task.cause.occurred_on if task.cause_id else today, earliest)
    return None if start > today else min(start + datetime.timedelta(days=1), today)


def _family_address(task: Task) -> str:
    person = task.person
    address = (person.household.address if person.household_id else "") or person.address
    return address or person.region.full_name


@transaction.atomic
def seed() -> int:
    created = 0
    for task in _first_tasks(TaskKind.MERIT_NOTICE):
        award = award_choices(task).first()
        day = _visit_day(task, award.awarded_on) if award else None
        if day is None:
            continue
        services.record_merit_notice(
            actor=None, task=task, award=award, family_address=_family_address(task),
            delivered_on=day, participants=PARTICIPANTS, logged_on=day,
            family_signed=True, signer_name=_family_member(task),
        )  # fmt: skip
        created += 1
    for task in _first_tasks(TaskKind.GIFT_PACK):
        day = _visit_day(task)
        if day is None:
            continue
        services.record_gift_pack(
            actor=None, task=task, delivered_on=day, received_by=_family_member(task),
            items=[field for field, _ in GIFT_PACK_ITEMS], signed=True,
        )  # fmt: skip
        created += 1
    return created


# The demo campaign: 新湖's 重阳 visits of 2026, opened by its station head, for the grid of 运河
# 社区 whose liaison is the demo village account; two households already visited or tried.
CAMPAIGN = "2026年重阳走访慰问"
VILLAGE = "371402001001"


def seed_campaign() -> int:
    if VisitCampaign.objects.filter(name=CAMPAIGN).exists():
        return 0
    liaison = User.objects.filter(username="xinhu_village").first()
    head = User.objects.filter(username="xinhu_head").first()
    village = Region.objects.filter(code=VILLAGE).first()
    if head is None or village is None:
        return 0
    if not Grid.objects.filter(village=village).exists():
        save_grid(actor=None, village=village, name="第一网格", liaison=liaison)
    campaign = campaigns.open_campaign(
        actor=head, region=village.parent, name=CAMPAIGN, occasion=Occasion.DOUBLE_NINTH,
        starts_on=datetime.date(2026, 10, 10), ends_on=datetime.date(2026, 10, 31),
        standards=[
            campaigns.Standard(groups.AGED, Decimal("300"), "重阳糕、牛奶"),
            campaigns.Standard(f"identity:{IdentityKind.PRIORITY_ENTITLED.value}", Decimal("500"), "米面油"),
            campaigns.Standard("bereaved:martyr", Decimal("800"), "米面油"),
        ],
    )  # fmt: skip
    day = min(datetime.date(2026, 10, 20), timezone.localdate())
    due = list(CampaignVisit.objects.filter(campaign=campaign).order_by("pk")[:2])
    for visit, outcome in zip(due, [VisitStatus.VISITED, VisitStatus.UNREACHABLE], strict=False):
        campaigns.record_campaign_visit(
            actor=liaison, visit=visit, outcome=outcome, visited_on=day, participants=PARTICIPANTS,
            money=Decimal("300"), notes="老人身体尚好", reason="" if outcome == VisitStatus.VISITED else "外出探亲",
        )  # fmt: skip
    return 1 + len(due)


def _family_member(task: Task) -> str:
    family = military_family_of(task.person)
    return family[0].name if family else f"{task.person.name}家属"
