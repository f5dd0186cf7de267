"""Demo 服务阵地: in each demo township the three teams of 昆山 with veterans as members and some
service hours, a 国防教育 activity and the send-off of the latest intake (its recruits' gift packs, if any,
left for the clerk to deliver), two consented lines of the honor roll, and the first paper files received
into the archive register (one of them lent). Idempotent: a township that has teams is done."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yizhan.conscription.models import Campaign
from yizhan.people.models import Identity, IdentityKind, Person
from yizhan.regions.models import Region, scope_bounds
from yizhan.station import services
from yizhan.station.models import Team, TeamKind
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind

TOWNSHIPS = ["371402001000", "320583400000"]
TEAMS = [
    (TeamKind.GARRISON, "驻军官兵服务队"),
    (TeamKind.VOLUNTEERS, "退役军人志愿服务队"),
    (TeamKind.SQUAD_LEADERS, "退役军人“老班长”宣讲团"),
]


def _veterans(township: Region, count: int) -> list[Person]:
    lo, hi = scope_bounds(township.code)
    return list(
        Person.objects.filter(
            region_id__gte=lo, region_id__lt=hi, merged_into__isnull=True,
            identities__in=Identity.objects.filter(Identity.current_q(), kind=IdentityKind.VETERAN),
        ).order_by("pk")[:count]
    )  # fmt: skip


def _seed_township(township: Region, today: datetime.date) -> int:
    veterans = _veterans(township, 9)
    created = 0
    teams = []
    for index, (kind, name) in enumerate(TEAMS):
        team = services.create_team(actor=None, township=township, name=name, kind=kind)
        teams.append(team)
        for person in veterans[index * 3 : index * 3 + 3]:
            services.add_member(
                actor=None, team=team, person=person, joined_on=today - datetime.timedelta(days=200)
            )
            services.record_hours(
                actor=None, team=team, person=person, served_on=today - datetime.timedelta(days=20),
                description="国防教育宣讲、走访慰问老兵", hours=Decimal("3.0"),
            )  # fmt: skip
            created += 2
    services.create_activity(
        actor=None, township=township, kind="national_defense", title="国防教育进校园", held_on=today - datetime.timedelta(days=40),
        place=f"{township.name}中心小学", organiser="armed_forces", teams=teams[2:], schools=f"{township.name}中心小学",
        persons=veterans[6:9], notes="老班长讲述军营故事，学生参观应急装备。",
    )  # fmt: skip
    created += 1
    lo, hi = scope_bounds(township.code)
    intake = (
        Campaign.objects.filter(county_id=township.code[:6] + "000000", approval_on__lte=today)
        .order_by("-approval_on")
        .first()
    )
    if intake is not None:
        services.create_activity(
            actor=None, township=township, kind="send_off", title=f"{intake}新兵欢送仪式", held_on=today,
            place=f"{township.name}人民武装部", organiser="both", campaign=intake, teams=teams[:1],
        )  # fmt: skip
        created += 1
    for person, (kind, title) in zip(
        veterans[:2], [("model_veteran", "模范退役军人"), ("award", "三等功")], strict=False
    ):
        services.add_honor(
            actor=None, person=person, kind=kind, title=title, consent_on=today - datetime.timedelta(days=60),
            photo_consented=person.photo_id is not None,
        )  # fmt: skip
        created += 1
    tasks = Task.objects.filter(
        kind=TaskKind.FILE_TRANSFER, status__in=OPEN_STATUSES, person__region_id__gte=lo, person__region_id__lt=hi,
        cause__occurred_on__lte=today,
    ).select_related("person", "cause").order_by("pk")[:2]  # fmt: skip
    for number, task in enumerate(tasks, start=1):
        archive = services.receive_file(
            actor=None, task=task, received_on=max(task.cause.occurred_on, today - datetime.timedelta(days=10)),
            sent_by="原部队干部处", box=f"{number:03d}", shelf="A1",
        )  # fmt: skip
        created += 1
        if number == 1:
            services.lend_file(
                actor=None,
                archive=archive,
                borrower="区退役军人事务局",
                purpose="核对安置材料",
                lent_on=today,
            )
    return created


@transaction.atomic
def seed() -> int:
    today = timezone.localdate()
    created = 0
    for code in TOWNSHIPS:
        township = Region.objects.filter(code=code).first()
        if township is not None and not Team.objects.filter(township=township).exists():
            created += _seed_township(township, today)
    return created
