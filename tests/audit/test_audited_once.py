"""Every distinct write is audited exactly once: a table of the audit rows each service call must
leave, run in the order a person's life goes, compared with what the call wrote. Consequences a
fact sets off (rules.py) are counted with the fact: they are part of what the call writes.

One row per write and per person it concerns: a relation is one write seen from two people, so
each person's trail holds it once; a household formed of two people writes one row on each."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

import pytest

from yizhan.audit.models import AuditEvent

D = datetime.date


def audited(call) -> tuple[object, Counter]:
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = call()
    rows = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    return result, Counter(row.action for row in rows), rows


def identical(rows) -> list[str]:
    """Rows that say the same thing about the same object: the signature of a double write."""
    seen = Counter((r.action, r.object_type, r.object_id, repr(sorted(r.changes.items()))) for r in rows)
    return [key[0] for key, n in seen.items() if n > 1]


class Steps:
    """Runs steps and collects every difference, so one run shows the whole table's state."""

    def __init__(self):
        self.problems: list[str] = []
        self.observed: dict[str, dict] = {}

    def run(self, name: str, expected: dict[str, int], call):
        result, counts, rows = audited(call)
        self.observed[name] = dict(counts)
        if dict(counts) != expected:
            self.problems.append(f"{name}: expected {expected}, wrote {dict(counts)}")
        if identical(rows):
            self.problems.append(f"{name}: the same row twice: {identical(rows)}")
        return result

    def check(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def steps():
    return Steps()


@pytest.fixture
def village(world):
    from yizhan.regions.models import Region

    return Region.objects.get(code="371402001001")


def test_the_registrys_writes_are_audited_once_each(persona, village, steps, make_person, _private_data_dir):
    from yizhan.core.idnumber import make
    from yizhan.people import services as people

    head = persona("xinhu_head")
    number = make(area_code="371402", birth_date=D(1999, 5, 1), sex="M", sequence=401)
    man = steps.run(
        "create_person", {"person.create": 1},
        lambda: people.create_person(actor=head, name="商春旺", id_number=number, region=village),
    )  # fmt: skip
    man = steps.run(
        "update_person", {"person.update": 1},
        lambda: people.update_person(actor=head, person=man, expected_version=man.version, address="新湖1号"),
    )  # fmt: skip
    steps.run(
        "update_person unchanged", {},
        lambda: people.update_person(actor=head, person=man, expected_version=man.version, address="新湖1号"),
    )  # fmt: skip
    steps.run("reveal", {"person.reveal": 1}, lambda: people.reveal(actor=head, person=man, field="id_number", reason="核实"))
    father = make_person(name="商建国", born=D(1970, 1, 1))
    steps.run(
        "create_household", {"person.household": 2},
        lambda: people.create_household(actor=head, region=village, members=[father, man], head=father),
    )  # fmt: skip
    steps.run(
        "add_relation", {"person.relation.add": 2},
        lambda: people.add_relation(actor=head, person=man, relative=father, kind="parent"),
    )  # fmt: skip
    identity = steps.run(
        "grant_identity", {"person.identity.grant": 1},
        lambda: people.grant_identity(actor=head, person=man, kind="veteran", since=D(2020, 1, 1), source="manual"),
    )  # fmt: skip
    steps.run(
        "grant_identity again", {},
        lambda: people.grant_identity(actor=head, person=man, kind="veteran", since=D(2020, 1, 1), source="manual"),
    )  # fmt: skip
    steps.run(
        "end_identity", {"person.identity.end": 1},
        lambda: people.end_identity(actor=head, identity=identity, until=D(2021, 1, 1), source="manual"),
    )  # fmt: skip
    service = steps.run(
        "add_service_record", {"person.service.add": 1},
        lambda: people.add_service_record(actor=head, person=man, enlisted_on=D(2017, 9, 1), service_type="conscript"),
    )  # fmt: skip
    steps.run(
        "close_service_record", {"person.service.close": 1},
        lambda: people.close_service_record(actor=head, service_record=service, on=D(2019, 9, 1)),
    )  # fmt: skip
    steps.run(
        "add_award", {"person.award.add": 1},
        lambda: people.add_award(actor=head, person=man, level="third_class", awarded_on=D(2018, 8, 1)),
    )  # fmt: skip
    document = steps.run(
        "attach_document", {"person.document.attach": 1},
        lambda: people.attach_document(actor=head, person=man, kind="other", title="证明", content=b"%PDF-1.4", filename="a.pdf"),
    )  # fmt: skip
    steps.run("read_document", {"person.document.download": 1}, lambda: people.read_document(actor=head, document=document))
    twin = make_person(name="商春旺", born=D(1999, 5, 1))
    twin.id_number_enc, twin.id_number_bidx = "", None
    twin.save()
    steps.run(
        "merge_people", {"person.merge": 1, "person.merged_into": 1},
        lambda: people.merge_people(actor=head, keep=man, duplicate=twin, reason="重复登记"),
    )  # fmt: skip
    steps.check()


@pytest.fixture
def soldier(make_person, persona, today_is):
    """A conscript of 新湖 with his father in one household, approved on 1 September 2024."""
    from yizhan.benefits.models import AllowanceRate, BonusRate
    from yizhan.lifecycle.services import emit
    from yizhan.people import services as people

    today_is(D(2031, 12, 31))  # the scenario runs to 2027
    for year in (2024, 2025, 2026, 2027):
        AllowanceRate.objects.create(province_code="37", year=year, annual_amount=Decimal("22000"))
        BonusRate.objects.create(region_prefix="371402", year=year, level="third_class", amount=Decimal("3000"))
    man = make_person(name="商春旺", born=D(2005, 3, 1))
    father = make_person(name="商建国", born=D(1975, 3, 1))
    people.add_relation(actor=None, person=man, relative=father, kind="parent")
    people.create_household(actor=None, region=man.region, members=[father, man], head=father)
    man.refresh_from_db()
    emit(kind="enlistment_approved", key="candidate:77", person=man, occurred_on=D(2024, 9, 1))
    return man


def test_the_veterans_writes_are_audited_once_each(soldier, persona, steps, _private_data_dir):
    from yizhan.veterans import services as veterans
    from yizhan.veterans.models import CardStatus
    from tests.veterans.conftest import photo_bytes

    head, county = persona("xinhu_head"), persona("decheng")
    steps.run(
        "record_award", {"person.award.add": 1, "event.award_recorded": 1, "task.create": 1, "benefits.bonus.entitle": 1},
        lambda: veterans.record_award(actor=head, person=soldier, level="third_class", awarded_on=D(2025, 8, 1), received_on=D(2025, 8, 3)),
    )  # fmt: skip
    steps.run(
        "record_status_change", {"person.service.type": 1, "event.status_changed": 1, "benefits.allowance.stop": 1},
        lambda: veterans.record_status_change(actor=head, person=soldier, on=D(2025, 9, 1), change="nco_conversion"),
    )  # fmt: skip
    steps.run(
        "record_discharge",
        {"event.discharged": 1, "person.service.close": 1, "person.identity.end": 2, "person.identity.grant": 1, "task.create": 4},
        lambda: veterans.record_discharge(actor=head, person=soldier, on=D(2026, 9, 1), settlement_type="self_employed"),
    )  # fmt: skip
    steps.run(
        "record_checkin", {"veteran.checkin": 1, "task.complete": 1},
        lambda: veterans.record_checkin(actor=head, person=soldier, on=D(2026, 9, 10), documents=[]),
    )  # fmt: skip
    profile = steps.run(
        "save_profile create", {"veteran.profile.create": 1, "task.complete": 1},
        lambda: veterans.save_profile(actor=head, person=soldier, on=D(2026, 9, 10), category="discharged_soldier"),
    )  # fmt: skip
    steps.run(
        "save_profile update", {"veteran.profile.update": 1},
        lambda: veterans.save_profile(actor=head, person=soldier, on=D(2026, 9, 11), category="discharged_soldier", housing="自有"),
    )  # fmt: skip
    steps.run(
        "confirm_year", {"veteran.confirm": 1},
        lambda: veterans.confirm_year(actor=head, profile=profile, year=2027, on=D(2027, 1, 5), alive=True),
    )  # fmt: skip
    steps.run(
        "add_employment_service", {"veteran.employment": 1},
        lambda: veterans.add_employment_service(actor=head, person=soldier, kind="training", on=D(2026, 10, 1), details="电工"),
    )  # fmt: skip
    case = steps.run(
        "open_assistance", {"veteran.assistance.apply": 1},
        lambda: veterans.open_assistance(actor=head, person=soldier, on=D(2026, 10, 1), hardship="医疗", description="住院"),
    )  # fmt: skip
    steps.run(
        "move_assistance", {"veteran.assistance.assessed": 1},
        lambda: veterans.move_assistance(actor=head, case=case, to="assessed", note="属实"),
    )  # fmt: skip
    card = steps.run(
        "apply_card", {"person.document.attach": 1, "card.accepted": 1},
        lambda: veterans.apply_card(actor=head, person=soldier, on=D(2026, 10, 2), photo_content=photo_bytes()),
    )  # fmt: skip
    steps.run(
        "move_card", {"card.county_review": 1},
        lambda: veterans.move_card(actor=head, card=card, to=CardStatus.COUNTY_REVIEW, on=D(2026, 10, 3)),
    )  # fmt: skip
    steps.run(
        "move_card by the county", {"card.in_production": 1},
        lambda: veterans.move_card(actor=county, card=card, to=CardStatus.IN_PRODUCTION, on=D(2026, 10, 4)),
    )  # fmt: skip
    steps.check()


def test_a_death_in_service_is_audited_once_with_its_consequences(soldier, persona, steps):
    from yizhan.veterans import services as veterans

    steps.run(
        "record_death",
        {"event.died_in_service": 1, "person.service.close": 1, "person.identity.end": 2, "person.identity.grant": 2,
         "benefits.allowance.stop": 1, "task.create": 2},
        lambda: veterans.record_death(actor=persona("xinhu_head"), person=soldier, on=D(2025, 5, 1), subtype="martyr"),
    )  # fmt: skip
    steps.check()
