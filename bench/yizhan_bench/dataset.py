"""A synthetic registry of N persons: valid ID numbers, Faker zh_CN names, households of 2–5,
identities in realistic shares, spread over 20 townships × 20 villages of one county.

Built through people.services.prepare_new (the same validation, normalisation, encryption,
blind index and pinyin as every write) and inserted as rows (person_rows, as the ledger import's
create_people does, without its audit events: this is a synthetic registry, not anyone's write),
so building a million rows takes minutes, not hours. The import path itself is measured separately (measure.import_rows).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from faker import Faker

from yizhan import bulk
from yizhan.accounts.models import Post, User
from yizhan.core import idnumber
from yizhan.people.models import Household, Identity, IdentityKind, Person, Sex
from yizhan.people.services import PERSON_COLUMNS, NewPerson, person_rows, prepare_new
from yizhan.regions.models import Grid, Region
from yizhan.regions.services import upsert_region

COUNTY = "371402"
TOWNSHIPS = 20
VILLAGES = 20
BATCH = 5000
TODAY = datetime.date(2026, 11, 1)
# Share of persons holding each identity (a township's registry as stations describe it).
IDENTITY_SHARES = [
    (IdentityKind.VETERAN, 0.05),
    (IdentityKind.MILITARY_FAMILY, 0.02),
    (IdentityKind.ACTIVE_SERVICEMEMBER, 0.008),
    (IdentityKind.REGISTRANT, 0.02),
    (IdentityKind.MILITIA, 0.01),
    (IdentityKind.PRIORITY_ENTITLED, 0.003),
]


def township_code(index: int) -> str:
    return f"{COUNTY}{index + 1:03d}000"


def village_codes() -> list[str]:
    return [f"{COUNTY}{t + 1:03d}{v + 1:03d}" for t in range(TOWNSHIPS) for v in range(VILLAGES)]


def regions() -> None:
    for code, name in [("370000000000", "山东省"), ("371400000000", "德州市"), (COUNTY + "000000", "德城区")]:
        upsert_region(code=code, name=name)
    for t in range(TOWNSHIPS):
        upsert_region(code=township_code(t), name=f"基准街道{t + 1}", is_demo=True)
        for v in range(VILLAGES):
            upsert_region(
                code=f"{COUNTY}{t + 1:03d}{v + 1:03d}", name=f"基准社区{t + 1}-{v + 1}", is_demo=True
            )


def staff() -> dict[str, User]:
    """A station clerk of the first township, the county officer, and the liaison of the grid
    of the first township's first village: the scopes measured."""
    users = {}
    for username, role, region in [
        ("bench_clerk", "station_clerk", township_code(0)),
        ("bench_county", "county_officer", COUNTY + "000000"),
        ("bench_liaison", "village_liaison", village_codes()[0]),
    ]:
        user, created = User.objects.get_or_create(username=username, defaults={"display_name": username})
        if created:
            user.set_unusable_password()
            user.save()
            Post.objects.create(user=user, role=role, department="both", region_id=region, title=username)
        users[username] = user
    Grid.objects.get_or_create(
        village_id=village_codes()[0], name="基准网格", defaults={"liaison": users["bench_liaison"]}
    )
    return users


def build(n: int, *, seed: int = 20261129) -> int:
    """Adds persons until the registry holds n; returns how many were added."""
    existing = Person.objects.count()
    if existing >= n:
        return 0
    rng = random.Random(seed + existing)
    fake = Faker("zh_CN")
    fake.seed_instance(seed + existing)
    villages = {r.code: r for r in Region.objects.filter(code__in=village_codes())}
    # The last township stays empty: the import benchmark fills it (yizhan_bench.ingest).
    codes = sorted(c for c in villages if not c.startswith(township_code(TOWNSHIPS - 1)[:9]))
    added = 0
    serial = existing
    while existing + added < n:
        take = min(BATCH, n - existing - added)
        people: list[NewPerson] = []
        households: list[Household] = []
        members: list[int] = []
        while len(people) < take:
            village = villages[codes[serial % len(codes)]]
            surname = fake.last_name()
            household = Household(region=village)
            households.append(household)
            for position in range(min(rng.randint(2, 5), take - len(people))):
                sex = Sex.MALE if (position == 0 or rng.random() < 0.5) else Sex.FEMALE
                born, sequence = _birth_and_sequence(serial)
                number = idnumber.make(area_code=COUNTY, birth_date=born, sex=sex, sequence=sequence)
                given = fake.first_name_male() if sex == Sex.MALE else fake.first_name_female()
                person = prepare_new(
                    values={
                        "name": (surname if position != 1 else fake.last_name()) + given,
                        "id_number": number,
                        "phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                        "region": village,
                        "address": f"{village.name}{rng.randint(1, 99)}号",
                    }
                )
                person.is_household_head = position == 0
                people.append(person)
                members.append(len(households) - 1)
                serial += 1
        with transaction.atomic():
            Household.objects.bulk_create(households, batch_size=1000)
            for person, index in zip(people, members, strict=True):
                person.household_id = households[index].pk
            bulk.insert_rows(Person, PERSON_COLUMNS, person_rows(actor=None, prepared=people))
            identities = []
            for person in people:
                roll = rng.random()
                for kind, share in IDENTITY_SHARES:
                    if roll < share:
                        identities.append(
                            Identity(person_id=person.id, kind=kind, since=TODAY, source="bench")
                        )
                        break
                    roll -= share
            Identity.objects.bulk_create(identities, batch_size=1000)
        added += len(people)
    return added


AGE_DAYS = 89 * 365  # ages 1 to 90


def _birth_and_sequence(serial: int) -> tuple[datetime.date, int]:
    """A unique (birth date, sequence) per serial, so ID numbers never repeat without a set of
    every number in memory: 500 sequences per date, dates spread by a step coprime with the
    span (7919 is prime, the span 5·73·89), enough for 16 million persons."""
    day = (serial // 500) * 7919 % AGE_DAYS
    return TODAY - datetime.timedelta(days=365 + day), serial % 500
