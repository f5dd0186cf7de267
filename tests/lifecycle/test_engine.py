import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from yizhan.desk import rules
from yizhan.lifecycle import services
from yizhan.lifecycle.calendar import add_working_days, next_holiday
from yizhan.lifecycle.effects import FAMILY, end_identity, identity
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.lifecycle.selectors import traces_of
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import Identity, RelationKind, ServiceRecord
from yizhan.worklist.models import Task, TaskKind

APPROVED = datetime.date(2026, 9, 1)


@pytest.fixture
def family(make_person):
    soldier = make_person(name="商春旺", born=datetime.date(2006, 3, 1))
    father = make_person(name="商建国", born=datetime.date(1976, 3, 1))
    mother = make_person(name="王秀英", born=datetime.date(1978, 3, 1), sex="F")
    for parent in (father, mother):
        people_services.add_relation(actor=None, person=soldier, relative=parent, kind=RelationKind.PARENT)
    household = people_services.create_household(
        actor=None, region=soldier.region, members=[father, mother, soldier], head=father
    )
    soldier.refresh_from_db()
    return {"soldier": soldier, "father": father, "mother": mother, "household": household}


def approve(soldier, key="candidate:1"):
    return emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key=key,
        person=soldier,
        occurred_on=APPROVED,
        payload={"branch": "army"},
    )


def test_an_approved_enlistment_sets_off_every_consequence_in_one_step(family):
    event, created = approve(family["soldier"])
    assert created
    soldier = family["soldier"]
    assert ServiceRecord.objects.get(person=soldier).enlisted_on == APPROVED
    assert soldier.identities.get(until__isnull=True).kind == "active_servicemember"
    for parent in (family["father"], family["mother"]):
        held = parent.identities.get()
        assert (held.kind, held.through, held.source) == ("military_family", soldier, f"event:{event.pk}")
    tasks = {t.kind: t for t in Task.objects.filter(cause=event)}
    assert set(tasks) == {TaskKind.GIFT_PACK, TaskKind.HONOR_PLAQUE, TaskKind.ALLOWANCE_RECIPIENT}
    assert tasks[TaskKind.GIFT_PACK].due_on == datetime.date(2026, 9, 8)
    assert tasks[TaskKind.ALLOWANCE_RECIPIENT].due_on == datetime.date(2026, 9, 15)
    plaque = tasks[TaskKind.HONOR_PLAQUE]
    assert (plaque.household, plaque.person, plaque.due_on) == (
        family["household"],
        None,
        datetime.date(2027, 2, 6),
    )
    assert {t.department for t in tasks.values()} == {"joint"}
    assert all(t.region_code == "371402001001" for t in tasks.values())


def test_replaying_the_same_fact_changes_nothing(family):
    first, _ = approve(family["soldier"])
    counts = (
        DomainEvent.objects.count(),
        Task.objects.count(),
        Identity.objects.count(),
        ServiceRecord.objects.count(),
    )
    again, created = approve(family["soldier"])
    assert (again, created) == (first, False)
    assert (
        DomainEvent.objects.count(),
        Task.objects.count(),
        Identity.objects.count(),
        ServiceRecord.objects.count(),
    ) == counts


def test_the_database_refuses_a_second_event_for_the_same_fact(family):
    approve(family["soldier"])
    with pytest.raises(IntegrityError):
        DomainEvent.objects.create(
            kind=EventKind.ENLISTMENT_APPROVED,
            key="candidate:1",
            person=family["soldier"],
            region_code="371402001001",
            occurred_on=APPROVED,
        )


def test_a_failing_consequence_rolls_back_the_whole_step(family, monkeypatch):
    def broken(event):
        raise RuntimeError("consequence failed")

    monkeypatch.setitem(
        rules.RULES, EventKind.ENLISTMENT_APPROVED, [*rules.RULES[EventKind.ENLISTMENT_APPROVED], broken]
    )
    with pytest.raises(RuntimeError):
        approve(family["soldier"])
    assert not DomainEvent.objects.exists()
    assert not Task.objects.exists()
    assert not Identity.objects.exists()
    assert not ServiceRecord.objects.exists()


def test_the_plaque_is_one_per_household_for_good(family):
    approve(family["soldier"], key="candidate:1")
    approve(family["soldier"], key="candidate:2")  # a second intake of the same family
    assert Task.objects.filter(kind=TaskKind.HONOR_PLAQUE).count() == 1
    assert Task.objects.filter(kind=TaskKind.GIFT_PACK).count() == 2


def test_a_returned_recruit_loses_the_identities_the_enlistment_gave(family):
    approve(family["soldier"])
    emit(
        kind=EventKind.RECRUIT_RETURNED,
        key="candidate:1",
        person=family["soldier"],
        occurred_on=datetime.date(2026, 9, 20),
    )
    assert not Identity.objects.filter(Identity.current_q(datetime.date(2026, 10, 1))).exists()
    assert ServiceRecord.objects.get().discharged_on == datetime.date(2026, 9, 20)
    cancelled = set(Task.objects.filter(status="cancelled").values_list("kind", flat=True))
    assert cancelled == {TaskKind.GIFT_PACK, TaskKind.ALLOWANCE_RECIPIENT, TaskKind.HONOR_PLAQUE}


def test_the_timeline_traces_each_event_to_what_it_created(family, persona):
    event, _ = approve(family["soldier"])
    [trace] = traces_of(family["soldier"], user=persona("xinhu_head"))
    assert trace.event == event
    assert len(trace.tasks) == 3
    assert {i.person for i in trace.identities} == {family["soldier"], family["father"], family["mother"]}


def test_tick_marks_tasks_overdue_once(family, capsys):
    approve(family["soldier"])
    call_command("tick", today="2026-09-10")  # past the gift pack's 8 Sep, before the rest
    assert list(Task.objects.exclude(overdue_since=None).values_list("kind", "overdue_since")) == [
        (TaskKind.GIFT_PACK, datetime.date(2026, 9, 10))
    ]
    call_command("tick", today="2026-09-11")
    assert Task.objects.exclude(overdue_since=None).count() == 1
    assert Task.objects.get(kind=TaskKind.GIFT_PACK).overdue_since == datetime.date(2026, 9, 10)
    assert Task.objects.count() == 3


def test_tick_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("tick", today="2026/09/10")


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (datetime.date(2026, 9, 1), datetime.date(2027, 2, 6)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 8, 1)),
        (datetime.date(2026, 8, 1), datetime.date(2027, 2, 6)),
        (datetime.date(2026, 1, 10), datetime.date(2026, 2, 17)),
    ],
)
def test_plaques_fall_due_before_the_next_bayi_or_spring_festival(after, expected):
    assert next_holiday(after) == expected


def test_working_days_skip_the_weekend(db):
    assert add_working_days(datetime.date(2026, 11, 27), 2) == datetime.date(2026, 12, 1)  # Fri → Tue


def test_the_timeline_names_no_one_outside_the_users_jurisdiction(family, make_person, persona):
    aunt = make_person(name="钱外姑", village="320583400001", born=datetime.date(1970, 3, 1), sex="F")
    people_services.add_relation(
        actor=None, person=family["soldier"], relative=aunt, kind=RelationKind.GUARDIAN
    )
    approve(family["soldier"])
    [trace] = traces_of(family["soldier"], user=persona("xinhu_head"))
    assert aunt not in {i.person for i in trace.identities}
    [clerk_trace] = traces_of(family["soldier"], user=persona("xinhu_village"))
    assert clerk_trace.tasks == [] or all(t.department in {"joint"} for t in clerk_trace.tasks)


@pytest.mark.parametrize("build", [identity, end_identity])
def test_a_rule_naming_an_identity_kind_that_does_not_exist_fails_when_the_table_is_built(build):
    with pytest.raises(ValueError, match="veteren"):
        build("veteren", of=FAMILY)


def test_the_desk_hands_its_table_to_the_engine_when_the_app_starts():
    # DeskConfig.ready built the table (so every identity it names is an IdentityKind) and gave
    # the engine these very objects: what a test patches in rules.RULES is what emit applies.
    assert services.rules() is rules.RULES
    assert services.time_rules() is rules.TIME_RULES


def test_an_engine_without_a_rules_table_refuses_to_record_a_fact(family, monkeypatch):
    monkeypatch.setattr(services, "_rules", None)
    with pytest.raises(ImproperlyConfigured, match="规则表未载入"):
        approve(family["soldier"])
    assert not DomainEvent.objects.exists()


def test_the_daily_tick_without_a_rules_table_fails_loudly(db, monkeypatch):
    monkeypatch.setattr(services, "_time_rules", None)
    with pytest.raises(ImproperlyConfigured, match="规则表未载入"):
        call_command("tick", "--today", "2026-12-01")
