"""A synthetic registry of N persons: valid ID numbers, Faker zh_CN names, households of 2–5,
identities in realistic shares, spread over 20 townships × 20 villages of one county, and the
优待证 most veterans and 三属 hold, each with its stays up to its status (`cards`).

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
from yizhan.people.models import (
    BereavedSubtype,
    Document,
    DocumentKind,
    Household,
    Identity,
    IdentityKind,
    Person,
    Sex,
)
from yizhan.people.services import PERSON_COLUMNS, NewPerson, person_rows, prepare_new
from yizhan.regions.models import Grid, Region
from yizhan.regions.services import upsert_region
from yizhan.veterans.models import CardStatus, CardStep, CardType, PreferentialCard

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
    (IdentityKind.BEREAVED_FAMILY, 0.001),
]
SUBTYPE = {IdentityKind.BEREAVED_FAMILY: BereavedSubtype.MARTYR}  # a 遗属 identity names its kind
# 优待证: the share of veterans and of 三属 who hold one, accepted over the CARD_YEARS before
# TODAY (the national issue began in 2019; about 2.6 million applications by March 2022).
CARD_SHARE = 0.8
CARD_YEARS = 5
# The way through CARD_FLOW a card takes, with the days each stay lasts (low, high); a card
# stands where TODAY finds it. One in CARD_RETURNED is sent back at the county's review.
CARD_STAYS = [
    (CardStatus.ACCEPTED, (1, 10)),
    (CardStatus.COUNTY_REVIEW, (5, 30)),
    (CardStatus.IN_PRODUCTION, (15, 90)),
    (CardStatus.ARRIVED, (1, 30)),
    (CardStatus.ISSUED, None),
]
CARD_RETURNED = 25
PHOTO_TITLE = "基准测试照片（共用）"


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
    # The cards draw from their own stream, so the persons and identities stay what they were.
    card_rng = random.Random(seed + existing + 1)
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
                            Identity(
                                person_id=person.id,
                                kind=kind,
                                since=TODAY,
                                source="bench",
                                subtype=SUBTYPE.get(kind, ""),
                            )
                        )
                        break
                    roll -= share
            Identity.objects.bulk_create(identities, batch_size=1000)
            cards(identities, card_rng)
        added += len(people)
    return added


def cards(identities: list[Identity], rng: random.Random) -> int:
    """The 优待证 of CARD_SHARE of the veterans and 三属 among `identities`, each with its stays
    (CardStep) up to the status TODAY finds it in, inserted as rows (no audit: a synthetic
    registry). Every card shows one shared dummy photo (a Document of the first person)."""
    types = {IdentityKind.VETERAN: CardType.VETERAN, IdentityKind.BEREAVED_FAMILY: CardType.BEREAVED}
    holders = [
        (i.person_id, types[i.kind]) for i in identities if i.kind in types and rng.random() < CARD_SHARE
    ]
    if not holders:
        return 0
    photo = Document.objects.filter(title=PHOTO_TITLE).first() or Document.objects.create(
        person_id=holders[0][0], kind=DocumentKind.PHOTO, title=PHOTO_TITLE, path="", sha256="0" * 64,
        size=0, content_type="image/jpeg",
    )  # fmt: skip
    made, stays = [], []
    for person_id, card_type in holders:
        accepted_on = TODAY - datetime.timedelta(days=rng.randrange(CARD_YEARS * 365))
        path = CARD_STAYS if rng.randrange(CARD_RETURNED) else [*CARD_STAYS[:2], (CardStatus.RETURNED, None)]
        history, on = [], accepted_on
        for status, span in path:
            history.append([status, on, None])
            if span is None:
                break
            left = on + datetime.timedelta(days=rng.randint(*span))
            if left > TODAY:
                break
            history[-1][2] = on = left
        current = history[-1][0]
        made.append(
            PreferentialCard(
                person_id=person_id, card_type=card_type, status=current, photo=photo, applicant="本人",
                accepted_on=accepted_on, previous_status=history[-2][0] if len(history) > 1 else "",
                return_reason="材料不全" if current == CardStatus.RETURNED else "",
                issued_on=history[-1][1] if current == CardStatus.ISSUED else None,
                receipt_signed_by="本人" if current == CardStatus.ISSUED else "",
            )
        )  # fmt: skip
        stays.append(history)
    PreferentialCard.objects.bulk_create(made, batch_size=1000)
    CardStep.objects.bulk_create(
        [
            CardStep(
                card_id=card.pk, status=status, entered_on=entered, left_on=left,
                days=(left - entered).days if left else None,
            )
            for card, history in zip(made, stays, strict=True)
            for status, entered, left in history
        ],
        batch_size=1000,
    )  # fmt: skip
    return len(made)


AGE_DAYS = 89 * 365  # ages 1 to 90


def _birth_and_sequence(serial: int) -> tuple[datetime.date, int]:
    """A unique (birth date, sequence) per serial, so ID numbers never repeat without a set of
    every number in memory: 500 sequences per date, dates spread by a step coprime with the
    span (7919 is prime, the span 5·73·89), enough for 16 million persons."""
    day = (serial // 500) * 7919 % AGE_DAYS
    return TODAY - datetime.timedelta(days=365 + day), serial % 500
