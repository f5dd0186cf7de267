"""走访慰问活动: one visit per matching household, assigned by grid, re-runs that only add, a
county's generation as a resumable job, and the visit that opens its follow-up in the same save."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.care import campaigns
from yizhan.care.campaigns import Standard
from yizhan.care.models import CampaignRun, CampaignVisit, FollowUp, VisitStatus
from yizhan.care.selectors import coverage
from yizhan.core import jobs
from yizhan.ledgers.jobs import JOBS, work
from yizhan.people import services as people_services
from yizhan.people.models import IdentityKind
from yizhan.regions.models import Region
from yizhan.veterans.models import AssistanceCase
from yizhan.worklist.models import Task, TaskDepartment, TaskKind

SINCE = datetime.date(2020, 1, 1)
XINHU, COUNTY, VILLAGE = "371402001000", "371402000000", "371402001001"
PRIORITY = f"identity:{IdentityKind.PRIORITY_ENTITLED.value}"
MARTYR = "bereaved:martyr"


def open_spring(persona, region=XINHU, user="xinhu_head"):
    return campaigns.open_campaign(
        actor=persona(user), region=Region.objects.get(code=region), name="2027年春节走访慰问",
        occasion="spring_festival", starts_on=datetime.date(2027, 1, 20), ends_on=datetime.date(2027, 2, 10),
        standards=[Standard(PRIORITY, Decimal("500"), "米面油"), Standard(MARTYR, Decimal("800"))],
    )  # fmt: skip


def test_a_township_campaign_makes_one_visit_and_one_task_per_matching_household(registry, persona):
    campaign = open_spring(persona)
    visits = CampaignVisit.objects.filter(campaign=campaign)
    assert sorted(v.subject_key for v in visits) == sorted(
        [f"household:{registry['household'].pk}", f"person:{registry['widow'].pk}"]
    )
    couple = visits.get(household=registry["household"])
    assert couple.person == registry["old"]  # the head stands for his household
    assert couple.grid == registry["grid"]
    task = couple.task
    assert (task.kind, task.assignee, task.due_on) == (
        TaskKind.CAMPAIGN_VISIT,
        persona("xinhu_village"),
        datetime.date(2027, 2, 10),
    )
    assert task.department == TaskDepartment.VETERANS
    assert visits.get(person=registry["widow"]).task.department == TaskDepartment.JOINT  # 慰问军烈属


def test_running_the_generation_again_adds_only_newly_matching_households(
    registry, persona, grant, make_person
):
    campaign = open_spring(persona)
    grant(registry["plain"], IdentityKind.PRIORITY_ENTITLED)
    people_services.end_identity(  # she no longer matches: her visit stays
        actor=None,
        identity=registry["widow"].identities.get(),
        until=datetime.date(2026, 6, 1),
        source="manual",
    )
    run = campaigns.generate_again(actor=persona("xinhu_head"), campaign=campaign)
    assert run.added == 1
    keys = set(CampaignVisit.objects.filter(campaign=campaign).values_list("subject_key", flat=True))
    assert f"person:{registry['plain'].pk}" in keys and f"person:{registry['widow'].pk}" in keys
    assert Task.objects.filter(rule=campaign.rule).count() == 3
    again = campaigns.generate_again(actor=persona("xinhu_head"), campaign=campaign)
    assert again.added == 0


def test_a_clerk_may_not_open_a_campaign(registry, persona):
    with pytest.raises(PermissionDenied):
        open_spring(persona, user="xinhu_clerk")


def test_a_county_campaign_waits_for_the_worker_and_a_killed_run_resumes(registry, persona, monkeypatch):
    from yizhan.care import generation

    campaign = open_spring(persona, region=COUNTY, user="decheng")
    assert not CampaignVisit.objects.filter(campaign=campaign).exists()
    monkeypatch.setattr(generation, "BATCH", registry["widow"].pk - 1)  # the couple in batch one
    run = jobs.claim(next(job for job in JOBS if job.model is CampaignRun))
    calls = []
    original = generation.generate_batch

    def dies_after_first(*args, **kwargs):
        if calls:
            raise SystemExit("worker killed")
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(generation, "generate_batch", dies_after_first)
    with pytest.raises(SystemExit):
        generation.execute_generation(run)
    run.refresh_from_db()
    assert run.cursor > 0 and CampaignVisit.objects.filter(campaign=campaign).count() == 1
    monkeypatch.setattr(generation, "generate_batch", original)
    CampaignRun.objects.filter(pk=run.pk).update(heartbeat_at=None)  # its heartbeat went stale
    assert work(once=True) == 1
    run.refresh_from_db()
    assert run.status == "done" and run.added == 2
    assert CampaignVisit.objects.filter(campaign=campaign).count() == 2


def test_a_visit_with_a_need_opens_a_hardship_case_and_closes_the_task(registry, persona):
    campaign = open_spring(persona)
    visit = CampaignVisit.objects.get(campaign=campaign, person=registry["widow"])
    campaigns.record_campaign_visit(
        actor=persona("xinhu_village"), visit=visit, outcome=VisitStatus.VISITED,
        visited_on=datetime.date(2026, 11, 30), participants="站长、联络员", money=Decimal("800"),
        notes="身体尚可", needs="房屋漏雨需修缮", follow_up=FollowUp.HARDSHIP,
    )  # fmt: skip
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VISITED and visit.visit.money == Decimal("800")
    case = AssistanceCase.objects.get(person=registry["widow"])
    assert case.description == "房屋漏雨需修缮"
    assert visit.task.status == "done" and "帮扶援助" in visit.task.outcome
    rows = {row.label: row for row in coverage(user=persona("xinhu_head"), campaign=campaign, by="target")}
    assert (rows["烈士遗属"].visited, rows["重点优抚对象"].due) == (1, 1)


def test_a_refusal_needs_its_reason(registry, persona):
    campaign = open_spring(persona)
    visit = CampaignVisit.objects.get(campaign=campaign, person=registry["widow"])
    with pytest.raises(ValidationError) as refused:
        campaigns.record_campaign_visit(
            actor=persona("xinhu_village"), visit=visit, outcome=VisitStatus.REFUSED,
            visited_on=datetime.date(2026, 11, 30),
        )  # fmt: skip
    assert "原因" in refused.value.message_dict["reason"][0]
    campaigns.record_campaign_visit(
        actor=persona("xinhu_village"), visit=visit, outcome=VisitStatus.REFUSED,
        visited_on=datetime.date(2026, 11, 30), reason="本人外出务工",
    )  # fmt: skip
    rows = coverage(user=persona("xinhu_head"), campaign=campaign, by="village")
    assert [(r.label, r.refused, r.total) for r in rows] == [(registry["old"].region.name, 1, 2)]
    townships = coverage(user=persona("decheng"), campaign=campaign, by="township")
    assert [(r.label, r.refused, r.total) for r in townships] == [("新湖街道", 1, 2)]


def test_a_need_left_as_a_task_is_due_within_the_countys_days(registry, persona, county_sets):
    county_sets("visits.need_days", 3)
    campaign = open_spring(persona)
    visit = CampaignVisit.objects.get(campaign=campaign, person=registry["widow"])
    campaigns.record_campaign_visit(
        actor=persona("xinhu_village"), visit=visit, outcome=VisitStatus.VISITED,
        visited_on=datetime.date(2026, 11, 30), participants="联络员", needs="代办医保", follow_up=FollowUp.TASK,
    )  # fmt: skip
    need = Task.objects.get(rule="care.need")
    assert (need.person, need.due_on) == (registry["widow"], datetime.date(2026, 12, 3))


def test_the_aged_and_the_open_hardship_cases_match_beside_the_identity_groups(
    registry, persona, make_person
):
    """80 or over is found by birth date, an open case from its own table: each group's persons."""
    from yizhan.veterans.services import open_assistance

    make_person(name="孙百岁", born=datetime.date(1940, 1, 1))
    make_person(name="孙七九", born=datetime.date(1947, 6, 1))  # 79 on the campaign's first day
    poor = make_person(name="周困难", born=datetime.date(1980, 1, 1))
    open_assistance(
        actor=None, person=poor, on=datetime.date(2026, 5, 1), hardship="因病", description="大病"
    )
    campaign = campaigns.open_campaign(
        actor=persona("xinhu_head"), region=Region.objects.get(code=XINHU), name="2027年重阳走访",
        occasion="double_ninth", starts_on=datetime.date(2027, 1, 20), ends_on=datetime.date(2027, 2, 10),
        standards=[Standard(MARTYR), Standard("fact:aged_80"), Standard("fact:hardship")],
    )  # fmt: skip
    found = {v.person.name: v.target for v in CampaignVisit.objects.filter(campaign=campaign)}
    assert found == {
        "李桂兰": MARTYR, "孙百岁": "fact:aged_80", "周困难": "fact:hardship",
    }  # fmt: skip
