"""Demo people: about 2,000 per demo township, in households, with the identities a station
deals with. Names from Faker zh_CN (never real people); ID numbers valid, birthplace = county.

Bulk-created (one audit event per township) so `make demo` stays quick; deterministic per
township, and skipped where the township already has people, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from faker import Faker
from faker.providers.person.zh_CN import Provider as FakerPerson

from yizhan.audit.services import record
from yizhan.core import idnumber
from yizhan.people.models import (
    Award,
    AwardLevel,
    BereavedSubtype,
    Branch,
    Education,
    Household,
    Identity,
    IdentityKind,
    Person,
    PoliticalStatus,
    Relation,
    RelationKind,
    ServiceRecord,
    ServiceType,
    SettlementType,
    Sex,
)
from yizhan.people.services import prepare_person
from yizhan.regions.demo import TOWNSHIPS, village_codes
from yizhan.regions.models import Region, scope_bounds

TARGET_PER_TOWNSHIP = 2000
TODAY = datetime.date(2026, 11, 1)  # fixed, so the demo is the same on every machine and day
# Faker's zh_CN given names, without those its male list shares with women's names (红霞) or
# that read as either: a man's name is a man's and a woman's a woman's.
EITHER = {
    "红霞",
    "欢",
    "佳",
    "楠",
    "想",
    "利",
    "杨",
    "林",
    "宁",
    "平",
    "华",
    "文",
    "晨",
    "阳",
    "畅",
    "云",
    "荣",
    "英",
}
GIVEN = {
    Sex.MALE: [name for name in FakerPerson.first_names_male if name not in EITHER],
    Sex.FEMALE: [name for name in FakerPerson.first_names_female if name not in EITHER],
}


class _Township:
    """Builds one township's people in memory, then saves them in bulk."""

    def __init__(self, code: str):
        self.code = code
        self.county = code[:6]
        self.rng = random.Random(int(code))
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(int(code))
        self.used_numbers: set[str] = set()
        self.people: list[Person] = []
        self.households: list[Household] = []
        self.members: list[list[int]] = []  # per household: indexes into self.people
        self.relations: list[tuple[int, int, str]] = []
        self.identities: list[tuple[int, str, str, datetime.date, int | None]] = []
        self.service: list[tuple[int, dict]] = []
        self.awards: list[tuple[int, str, datetime.date]] = []

    def birth(self, age_low: int, age_high: int) -> datetime.date:
        start = TODAY.replace(year=TODAY.year - age_high - 1) + datetime.timedelta(days=1)
        end = TODAY.replace(year=TODAY.year - age_low)
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days))

    def person(self, *, surname: str, sex: str, born: datetime.date, village: Region) -> int:
        given = self.rng.choice(GIVEN[sex])
        while True:
            number = idnumber.make(
                area_code=self.county, birth_date=born, sex=sex, sequence=self.rng.randrange(500)
            )
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                break
        education = (
            self.rng.choice(list(Education.values)) if born.year < TODAY.year - 16 else Education.PRIMARY
        )
        person, _ = prepare_person(
            actor=None,
            name=surname + given,
            id_number=number,
            phone=self.fake.phone_number() if born.year <= TODAY.year - 16 else "",
            region=village,
            address=f"{village.name}{self.rng.randint(1, 40)}组{self.rng.randint(1, 99)}号",
            education=education,
            political_status=self.rng.choice(
                [PoliticalStatus.MASSES] * 6 + [PoliticalStatus.LEAGUE, PoliticalStatus.PARTY]
            ),
            ethnicity="汉族",
        )
        self.people.append(person)
        return len(self.people) - 1

    def household(self, village: Region) -> None:
        surname = self.fake.last_name()
        members: list[int] = []
        head = self.person(surname=surname, sex=Sex.MALE, born=self.birth(38, 62), village=village)
        spouse = self.person(
            surname=self.fake.last_name(), sex=Sex.FEMALE, born=self.birth(36, 60), village=village
        )
        members += [head, spouse]
        self.relations.append((head, spouse, RelationKind.SPOUSE))
        children = []
        for _ in range(self.rng.choice([1, 1, 2, 2, 3])):
            sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
            child = self.person(surname=surname, sex=sex, born=self.birth(0, 30), village=village)
            children.append(child)
            members.append(child)
            self.relations.append((child, head, RelationKind.PARENT))
            self.relations.append((child, spouse, RelationKind.PARENT))
        self.households.append(Household(region=village, address=self.people[head].address))
        self.members.append(members)
        self.story(head, spouse, children)

    def story(self, head: int, spouse: int, children: list[int]) -> None:
        """Gives some households the situations a station handles."""
        roll = self.rng.random()
        young_men = [
            c for c in children if self.people[c].sex == Sex.MALE and 18 <= self.people[c].age(TODAY) <= 24
        ]
        for man in young_men:
            self.identities.append(
                (
                    man,
                    IdentityKind.REGISTRANT,
                    "",
                    datetime.date(self.people[man].birth_date.year + 18, 3, 1),
                    None,
                )
            )
        if young_men and roll < 0.25:
            soldier = young_men[0]
            enlisted = datetime.date(TODAY.year - self.rng.choice([0, 1]), self.rng.choice([3, 9]), 1)
            if enlisted > TODAY:
                enlisted = enlisted.replace(year=enlisted.year - 1)
            self.service.append(
                (
                    soldier,
                    {
                        "enlisted_on": enlisted,
                        "service_type": ServiceType.CONSCRIPT,
                        "branch": self.rng.choice(list(Branch.values)),
                    },
                )
            )
            self.identities.append((soldier, IdentityKind.ACTIVE_SERVICEMEMBER, "", enlisted, None))
            for parent in (head, spouse):
                self.identities.append((parent, IdentityKind.MILITARY_FAMILY, "", enlisted, soldier))
            served = (TODAY - enlisted).days
            if self.rng.random() < 0.3 and served > 60:
                # An award lies in the past: some time into his service, before the demo's today.
                awarded = enlisted + datetime.timedelta(days=self.rng.randrange(60, served))
                self.awards.append(
                    (
                        soldier,
                        self.rng.choice([AwardLevel.THIRD_CLASS, AwardLevel.OUTSTANDING_SOLDIER]),
                        awarded,
                    )
                )
        elif roll < 0.33:
            age = self.people[head].age(TODAY)
            enlisted = datetime.date(TODAY.year - age + 19, 12, 1)
            years = self.rng.choice([2, 2, 5, 8, 12])
            settlement = self.rng.choice(list(SettlementType.values))
            self.service.append(
                (
                    head,
                    {
                        "enlisted_on": enlisted,
                        "discharged_on": datetime.date(enlisted.year + years, 12, 1),
                        "service_type": ServiceType.NCO if years > 2 else ServiceType.CONSCRIPT,
                        "branch": self.rng.choice(list(Branch.values)),
                        "settlement_type": settlement,
                    },
                )
            )
            self.identities.append(
                (head, IdentityKind.VETERAN, "", datetime.date(enlisted.year + years, 12, 1), None)
            )
            if self.rng.random() < 0.1:
                self.identities.append(
                    (
                        head,
                        IdentityKind.DISABLED_VETERAN,
                        "",
                        datetime.date(enlisted.year + years, 12, 1),
                        None,
                    )
                )
            if self.rng.random() < 0.25:
                self.awards.append((head, AwardLevel.THIRD_CLASS, enlisted + datetime.timedelta(days=500)))
        elif roll < 0.345:
            subtype = self.rng.choice(list(BereavedSubtype.values))
            since = datetime.date(TODAY.year - self.rng.randint(1, 15), 6, 1)
            for parent in (head, spouse):
                self.identities.append((parent, IdentityKind.BEREAVED_FAMILY, subtype, since, None))
                self.identities.append((parent, IdentityKind.PRIORITY_ENTITLED, "", since, None))
        # 民兵 come from 民兵整组 (militia/demo.py), through its rules; the draw once made here is
        # kept so every household after this one stays as the demo data has always had it.
        self.rng.random()

    @transaction.atomic
    def save(self) -> int:
        Household.objects.bulk_create(self.households)
        for household, members in zip(self.households, self.members, strict=True):
            for position, index in enumerate(members):
                self.people[index].household = household
                self.people[index].is_household_head = position == 0
        Person.objects.bulk_create(self.people, batch_size=500)
        p = self.people
        Relation.objects.bulk_create(
            [Relation(person=p[a], relative=p[b], kind=k) for a, b, k in self.relations], batch_size=1000
        )
        Identity.objects.bulk_create(
            [
                Identity(
                    person=p[i],
                    kind=k,
                    subtype=s,
                    since=since,
                    through=p[t] if t is not None else None,
                    source="demo",
                )
                for i, k, s, since, t in self.identities
            ],
            batch_size=1000,
        )
        ServiceRecord.objects.bulk_create(
            [ServiceRecord(person=p[i], **fields) for i, fields in self.service]
        )
        Award.objects.bulk_create(
            [
                Award(person=p[i], level=level, awarded_on=on, notice_number=f"演示〔{on.year}〕{n + 1}号")
                for n, (i, level, on) in enumerate(self.awards)
            ]
        )
        record(
            actor=None,
            action="demo.seed_people",
            object_type="region",
            object_id=self.code,
            region_code=self.code,
            changes={"people": len(p), "households": len(self.households)},
        )
        return len(p)


def seed() -> int:
    created = 0
    for code in TOWNSHIPS:
        lo, hi = scope_bounds(code)
        if Person.objects.filter(region_id__gte=lo, region_id__lt=hi).exists():
            continue
        township = _Township(code)
        villages = list(Region.objects.filter(code__in=village_codes(code)).order_by("code"))
        while len(township.people) < TARGET_PER_TOWNSHIP:
            township.household(villages[len(township.households) % len(villages)])
        created += township.save()
    return created
