"""Demo 走访慰问: a few 喜报 and 入伍礼包 deliveries for the tasks the other demo data set off.

Works on the first PER_TOWNSHIP tasks (by id) of each kind in each township, recording only those
still open, so a second run finds them done and changes nothing. Participants are named by post,
never by invented names of officials.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from yizhan.care import services
from yizhan.care.models import GIFT_PACK_ITEMS
from yizhan.care.selectors import award_choices
from yizhan.people.selectors import military_family_of
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


def _family_member(task: Task) -> str:
    family = military_family_of(task.person)
    return family[0].name if family else f"{task.person.name}家属"
