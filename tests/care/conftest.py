"""A soldier's family in 新湖 and the facts that set off care work: an award, an enlistment, a
death in service — each emitted through the lifecycle engine, as the real services do."""

from __future__ import annotations

import datetime

import pytest

from yizhan.accounts.roles import Role
from yizhan.accounts.services import create_user, grant_post, save_grid
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import IdentityKind, RelationKind
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind

ENLISTED = datetime.date(2025, 9, 1)
AWARDED = datetime.date(2026, 3, 2)  # a Monday: two working days later is Wednesday 4 March


@pytest.fixture(autouse=True)
def _documents(_private_data_dir):
    """Photos go to a temporary data directory."""


@pytest.fixture
def family_of(make_person):
    """family_of(village) -> {"soldier", "father", "mother", "household"} living in that village."""

    def build(village: str = "371402001001", surname: str = "商") -> dict:
        soldier = make_person(name=f"{surname}春旺", village=village, born=datetime.date(2006, 3, 1))
        father = make_person(name=f"{surname}建国", village=village, born=datetime.date(1976, 3, 1))
        mother = make_person(name="王秀英", village=village, born=datetime.date(1978, 3, 1), sex="F")
        for parent in (father, mother):
            people_services.add_relation(
                actor=None, person=soldier, relative=parent, kind=RelationKind.PARENT
            )
        household = people_services.create_household(
            actor=None,
            region=soldier.region,
            address="运河路 12 号",
            members=[father, mother, soldier],
            head=father,
        )
        soldier.refresh_from_db()
        return {"soldier": soldier, "father": father, "mother": mother, "household": household}

    return build


@pytest.fixture
def family(family_of):
    return family_of()


def award_task(soldier, *, level: str = "first_class", recorded_on: datetime.date = AWARDED) -> Task:
    """Records an award and emits its event the way the award service is expected to."""
    award = people_services.add_award(
        actor=None, person=soldier, level=level, awarded_on=recorded_on, notice_number="演示〔2026〕1号"
    )
    event, _ = emit(
        kind=EventKind.AWARD_RECORDED,
        key=f"award:{award.pk}",
        person=soldier,
        occurred_on=recorded_on,
        payload={"award": award.pk, "level": level},
    )
    return Task.objects.get(cause=event, kind=TaskKind.MERIT_NOTICE)


def gift_pack_task(soldier, key: str = "candidate:1") -> Task:
    event, _ = emit(kind=EventKind.ENLISTMENT_APPROVED, key=key, person=soldier, occurred_on=ENLISTED)
    return Task.objects.get(cause=event, kind=TaskKind.GIFT_PACK)


def condolence_task(soldier, on: datetime.date = datetime.date(2026, 6, 1)) -> Task:
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key=f"candidate:{soldier.pk}",
        person=soldier,
        occurred_on=ENLISTED,
    )
    event, _ = emit(
        kind=EventKind.DIED_IN_SERVICE,
        key=f"death:{soldier.pk}",
        person=soldier,
        occurred_on=on,
        payload={"subtype": "martyr"},
    )
    return Task.objects.get(cause=event, kind=TaskKind.CONDOLENCE_VISIT)


@pytest.fixture
def grant():
    """grant(person, kind, subtype="") -> the identity, held since 2020."""

    def give(person, kind, subtype=""):
        return people_services.grant_identity(
            actor=None,
            person=person,
            kind=kind,
            subtype=subtype,
            since=datetime.date(2020, 1, 1),
            source="manual",
        )

    return give


@pytest.fixture
def registry(make_person, grant, persona):
    """A 重点优抚对象 and his wife in one household, a 烈属 alone, a plain veteran; a grid."""
    grid = save_grid(
        actor=None,
        village=Region.objects.get(code="371402001001"),
        name="第一网格",
        liaison=persona("xinhu_village"),
    )
    old = make_person(name="商老兵", born=datetime.date(1950, 3, 1))
    wife = make_person(name="王秀英", born=datetime.date(1952, 3, 1), sex="F")
    household = people_services.create_household(
        actor=None, region=old.region, address="运河路 1 号", members=[old, wife], head=old
    )
    grant(old, IdentityKind.PRIORITY_ENTITLED)
    grant(wife, IdentityKind.PRIORITY_ENTITLED)
    widow = make_person(name="李桂兰", born=datetime.date(1960, 3, 1), sex="F")
    grant(widow, IdentityKind.BEREAVED_FAMILY, subtype="martyr")
    plain = make_person(name="赵退伍", born=datetime.date(1995, 3, 1))
    grant(plain, IdentityKind.VETERAN)
    return {"old": old, "wife": wife, "household": household, "widow": widow, "plain": plain, "grid": grid}


@pytest.fixture
def two_grid_village(persona, make_person, grant):
    """新湖社区 (371402001001) in two grids, each with its liaison (the first: xinhu_village); two
    重点优抚对象 households not placed in either, and one living alone."""
    village = Region.objects.get(code="371402001001")
    second_liaison = create_user(actor=None, username="canal_two", display_name="二网格员", password="x" * 12)
    grant_post(
        actor=None,
        user=second_liaison,
        role=Role.VILLAGE_LIAISON,
        department="both",
        region_code=village.code,
    )
    first = save_grid(actor=None, village=village, name="第一网格", liaison=persona("xinhu_village"))
    second = save_grid(actor=None, village=village, name="第二网格", liaison=second_liaison)
    homes = []
    for name in ("商老兵", "赵老兵"):
        head = make_person(name=name, born=datetime.date(1950, 3, 1))
        grant(head, IdentityKind.PRIORITY_ENTITLED)
        homes.append(people_services.create_household(actor=None, region=village, members=[head], head=head))
    alone = make_person(name="钱独居", born=datetime.date(1952, 3, 1))
    grant(alone, IdentityKind.PRIORITY_ENTITLED)
    return {
        "first": first,
        "second": second,
        "homes": homes,
        "alone": alone,
        "second_liaison": second_liaison,
    }
