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
