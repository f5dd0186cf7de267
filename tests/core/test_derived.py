"""The data kept by triggers (core/derived.py) stays exact on every write path: after each write
the stored rows equal a fresh computation from the facts, and the 身份 figure read through the
tally equals its list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from yizhan.care.models import CampaignGroup, CampaignVisit, VisitCampaign
from yizhan.core.derived import DERIVED, differences
from yizhan.people import services
from yizhan.people.models import Identity, IdentityTally, Person
from yizhan.regions.models import Region
from yizhan.reports.figures import FIGURES, Period, cell, table

XINHU_VILLAGE, OTHER_VILLAGE = "371402001001", "371402001002"


def assert_exact() -> None:
    for key in DERIVED:
        assert differences(connection, key) == [], key


def identity(person, kind="veteran", since=datetime.date(2015, 3, 1)) -> Identity:
    return services.grant_identity(actor=None, person=person, kind=kind, since=since, source="manual")


def test_granting_ending_correcting_and_deleting_identities_keeps_the_tally_exact(make_person):
    man = make_person(name="商春旺")
    held = identity(man)
    assert IdentityTally.objects.get(region_code=XINHU_VILLAGE, kind="veteran", since_month=201503).n == 1
    services.end_identity(actor=None, identity=held, until=datetime.date(2020, 1, 1), source="manual")
    assert_exact()
    Identity.objects.filter(pk=held.pk).update(since=datetime.date(2016, 5, 1))  # a corrected date
    assert_exact()
    Identity.objects.filter(pk=held.pk).delete()
    assert_exact()
    assert not IdentityTally.objects.exclude(n=0).exists()


def test_bulk_and_set_sql_writes_keep_the_tally_exact(make_person):
    a, b = make_person(name="甲"), make_person(name="乙", village=OTHER_VILLAGE)
    Identity.objects.bulk_create(
        [
            Identity(person=p, kind="military_family", since=datetime.date(2010, 1, 1), source="import")
            for p in (a, b)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_identity (person_id, kind, subtype, since, source, ended_by) "
            "SELECT id, 'veteran', '', '2001-08-01', 'sql', '' FROM people_person"
        )
    assert_exact()


def test_a_move_and_a_merge_carry_the_identities_and_the_visits_with_the_person(make_person, persona):
    man, twin = make_person(name="商春旺"), make_person(name="商春旺", village=OTHER_VILLAGE)
    identity(man)
    identity(twin, kind="military_family")
    campaign = VisitCampaign.objects.create(
        name="春节走访", occasion="spring_festival", region_id="371402001000",
        starts_on=datetime.date(2027, 1, 20), ends_on=datetime.date(2027, 2, 10),
    )  # fmt: skip
    CampaignGroup.objects.create(campaign=campaign, target="identity:veteran", money=Decimal(100))
    # Written with a stale region on purpose: the database files it where the person lives.
    visit = CampaignVisit.objects.create(
        campaign=campaign, subject_key=f"person:{twin.pk}", person=twin, target="identity:veteran",
        region_code="371402002001",
    )  # fmt: skip
    visit.refresh_from_db()
    assert visit.region_code == OTHER_VILLAGE
    Person.objects.filter(pk=twin.pk).update(region_id="371402001003")  # moved by set SQL
    visit.refresh_from_db()
    assert visit.region_code == "371402001003"
    assert_exact()
    # A duplicate recorded without an ID number (as a merge finds them).
    Person.objects.filter(pk=twin.pk).update(id_number_enc="", id_number_bidx=None)
    twin.refresh_from_db()
    services.merge_people(actor=persona("xinhu_head"), keep=man, duplicate=twin, reason="重复登记")
    visit.refresh_from_db()
    # The merge moves the visit to the kept person, and the database files it where he lives.
    assert (visit.person_id, visit.region_code) == (man.pk, man.region_id)
    assert_exact()
    assert IdentityTally.objects.get(region_code=XINHU_VILLAGE, kind="military_family").n == 1
    assert IdentityTally.objects.get(region_code="371402001003", kind="military_family").n == 0


def test_the_identity_figure_through_the_tally_equals_its_list(make_person, persona):
    today = timezone.localdate()
    held = [  # (since, until): from the tally, started this month, ending later this month, ended
        (datetime.date(2001, 1, 1), None),
        (datetime.date(2026, 2, 1), None),
        (today.replace(day=1), None),
        (datetime.date(2020, 1, 1), today + datetime.timedelta(days=1)),
        (datetime.date(2019, 1, 1), datetime.date(2026, 11, 1)),
        (datetime.date(2028, 1, 1), None),
    ]
    for n, (since, until) in enumerate(held):
        p = make_person(name=f"人{n}", village=[XINHU_VILLAGE, OTHER_VILLAGE][n % 2])
        held_one = identity(p, since=since)
        if until:
            services.end_identity(actor=None, identity=held_one, until=until, source="manual")
    officer, figure = persona("decheng"), FIGURES["identities"]
    for region_code in ("371402000000", "371402001000"):
        region = Region.objects.get(code=region_code)
        for year in (2025, 2026):
            t = table(figure, user=officer, region=region, period=Period(year))
            assert t.totals.total == cell(figure, user=officer, region=region, period=Period(year)).count()
            for row in t.rows:
                for key, n in row.counts.items():
                    listed = cell(
                        figure, user=officer, region=region, period=Period(year), area=row.area, by=key
                    )
                    assert listed.count() == n, (region_code, year, row.area, key)


def test_the_check_command_finds_a_wrong_summary_and_the_rebuild_mends_it(make_person):
    identity(make_person(name="商春旺"))
    call_command("derived", "--check")
    IdentityTally.objects.update(n=5)
    with pytest.raises(CommandError):
        call_command("derived", "--check")
    call_command("derived", "--rebuild")
    assert_exact()


# --- the 优待证's region ---------------------------------------------------------------------


@pytest.fixture
def card(make_person, persona, settings, tmp_path):
    """A veteran's card accepted in 新湖 on 2026-09-10 through the services."""
    from tests.veterans.conftest import photo_bytes
    from yizhan.veterans import services as veterans
    from yizhan.veterans.models import ProfileCategory

    settings.DOCUMENTS_DIR = tmp_path
    man = make_person(name="商春旺", born=datetime.date(1990, 3, 1))
    identity(man, since=datetime.date(2026, 9, 1))
    veterans.save_profile(
        actor=None, person=man, on=datetime.date(2026, 9, 5), category=ProfileCategory.DISCHARGED_SOLDIER
    )
    return veterans.apply_card(
        actor=persona("xinhu_clerk"), person=man, on=datetime.date(2026, 9, 10), photo_content=photo_bytes()
    )


def regions_of(card) -> set[str]:
    """The regions the card and each of its stays are filed under."""
    from yizhan.veterans.models import CardStep, PreferentialCard

    return {PreferentialCard.objects.get(pk=card.pk).region_code} | set(
        CardStep.objects.filter(card=card).values_list("region_code", flat=True)
    )


def test_a_card_and_its_stays_are_filed_where_the_holder_lives_through_every_step(card, persona):
    from yizhan.desk.corrections import withdraw
    from yizhan.veterans import services as veterans

    assert regions_of(card) == {XINHU_VILLAGE}
    for to, actor, n in [("county_review", "xinhu_clerk", 3), ("in_production", "decheng", 9)]:
        veterans.move_card(actor=persona(actor), card=card, to=to, on=datetime.date(2026, 9, 10 + n))
        assert regions_of(card) == {XINHU_VILLAGE}
        assert_exact()
    withdraw(actor=persona("decheng"), fact="card_step", obj=card, reason="审核通过点错了")
    card.refresh_from_db()
    assert card.status == "county_review" and regions_of(card) == {XINHU_VILLAGE}
    assert_exact()


def test_a_move_and_a_merge_carry_the_card_and_its_stays_with_the_holder(card, make_person, persona):
    from yizhan.veterans import services as veterans

    veterans.move_card(
        actor=persona("xinhu_clerk"), card=card, to="county_review", on=datetime.date(2026, 9, 12)
    )
    man = card.person
    services.update_person(
        actor=persona("xinhu_head"), person=man, expected_version=man.version,
        region=Region.objects.get(code=OTHER_VILLAGE),
    )  # fmt: skip
    assert regions_of(card) == {OTHER_VILLAGE}
    Person.objects.filter(pk=man.pk).update(region_id="371402001003")  # moved by set SQL
    assert regions_of(card) == {"371402001003"}
    assert_exact()
    # The card was recorded on a duplicate: the merge moves it to the kept person, elsewhere.
    keep = make_person(name="商春旺", village="371402001004", born=datetime.date(1990, 3, 1))
    Person.objects.filter(pk=man.pk).update(id_number_enc="", id_number_bidx=None)
    man.refresh_from_db()
    services.merge_people(actor=persona("xinhu_head"), keep=keep, duplicate=man, reason="重复登记")
    card.refresh_from_db()
    assert card.person_id == keep.pk and regions_of(card) == {"371402001004"}
    assert_exact()


def test_rows_written_around_the_services_are_filed_by_the_database(card):
    from yizhan.veterans.models import CardStep, PreferentialCard

    # A stale or wrong region written by hand is what the database replaces.
    PreferentialCard.objects.filter(pk=card.pk).update(region_code="320583400001")
    CardStep.objects.create(card=card, status="county_review", entered_on=datetime.date(2026, 9, 11),
                            region_code="320583400001", withdrawn=True)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO veterans_cardstep (card_id, status, entered_on, withdrawn, region_code) "
            "SELECT id, 'county_review', '2026-09-12', %s, '' FROM veterans_preferentialcard",
            [True],
        )
    assert regions_of(card) == {XINHU_VILLAGE}
    assert_exact()


def test_the_check_command_finds_a_card_filed_in_the_wrong_place_and_the_rebuild_mends_it(card):
    from yizhan.core import derived
    from yizhan.veterans.models import CardStep, PreferentialCard

    call_command("derived", "--check")
    # Written behind the triggers' back (dropped, as in an edited dump restored without them).
    derived.uninstall(connection, "card_region", "card_step_region")
    try:
        PreferentialCard.objects.filter(pk=card.pk).update(region_code="320583400001")
        CardStep.objects.filter(card=card).update(region_code="")
        assert {k for k in DERIVED if differences(connection, k)} == {"card_region", "card_step_region"}
        with pytest.raises(CommandError):
            call_command("derived", "--check")
        call_command("derived", "--rebuild")
    finally:
        derived.install(connection, "card_region", "card_step_region")
    assert_exact()
    assert regions_of(card) == {XINHU_VILLAGE}
