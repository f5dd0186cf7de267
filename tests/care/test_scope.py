"""Out of jurisdiction answers exactly like missing, on every care URL that takes an id."""

import datetime
import re

import pytest
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter

from tests.care.conftest import award_task, condolence_task, gift_pack_task
from yizhan.care import services
from yizhan.care.models import CampaignVisit, VisitCampaign, VisitReason
from yizhan.worklist.services import ensure_task

HUAQIAO = "320583400001"
DAY = datetime.date(2026, 6, 3)


def care_routes() -> list[tuple[str, list[str]]]:
    care = next(
        e for e in get_resolver().url_patterns if isinstance(e, URLResolver) and e.namespace == "care"
    )
    routes = []
    for entry in care.url_patterns:
        converters = entry.pattern.converters
        if any(isinstance(c, IntConverter) for c in converters.values()):
            routes.append(("/care/" + str(entry.pattern), list(converters)))
    return routes


@pytest.fixture
def foreign(family_of):
    """In 花桥: one family with a record of each kind, another with an open task of each kind."""
    done, waiting = family_of(HUAQIAO, surname="钱"), family_of(HUAQIAO, surname="孙")
    merit_task = award_task(done["soldier"], recorded_on=DAY)
    merit = services.record_merit_notice(
        actor=None, task=merit_task, award=done["soldier"].awards.get(), family_address="花桥路 1 号",
        delivered_on=DAY, participants="花桥武装部", logged_on=DAY, family_signed=False,
    )  # fmt: skip
    gift = services.record_gift_pack(
        actor=None, task=gift_pack_task(done["soldier"]), delivered_on=DAY, received_by="钱建国",
        items=["plaque", "service_guide", "policy_handbook"], signed=True,
    )  # fmt: skip
    visit = services.record_visit(
        actor=None, person=done["father"], reason=VisitReason.SPRING_FESTIVAL, visited_on=DAY,
        participants="花桥服务站",
    )  # fmt: skip
    campaign = VisitCampaign.objects.create(
        name="花桥春节走访", occasion="spring_festival", region_id=HUAQIAO[:9] + "000",
        starts_on=DAY, ends_on=DAY,
    )  # fmt: skip
    campaign_visit = CampaignVisit.objects.create(
        campaign=campaign, subject_key=f"person:{done['father'].pk}", person=done["father"],
        target="identity:veteran", region_code=HUAQIAO,
    )  # fmt: skip
    return {
        "campaign_pk": campaign.pk,
        "campaign_visit_pk": campaign_visit.pk,
        "person_id": done["father"].pk,
        "merit_notice_pk": merit.pk,
        "gift_pack_pk": gift.pk,
        "visit_pk": visit.pk,
        "merit-notice": award_task(waiting["soldier"], recorded_on=DAY).pk,
        "gift-pack": gift_pack_task(waiting["soldier"], key="candidate:9").pk,
        "condolence-visit": condolence_task(waiting["soldier"]).pk,
    }


def fill(route: str, params: list[str], ids: dict, offset: int = 0) -> str:
    for name in params:
        key = route.rstrip("/").rsplit("/", 1)[1] if name == "task_pk" else name
        route = re.sub(rf"<(\w+:)?{name}>", str(ids[key] + offset), route)
    return route


POSTED = {"award": 1, "delivered_on": "2026-06-03", "visited_on": "2026-06-03", "participants": "某",
          "received_by": "某", "items": ["plaque", "service_guide", "policy_handbook"],
          "family_address": "某", "logged_on": "2026-06-03"}  # fmt: skip


def test_every_care_url_answers_404_for_another_townships_objects(foreign, login_as):
    routes = care_routes()
    # 3 forms, 3 record pages, the 喜报, 3 receipts; a campaign, its re-run, a household's visit, a contact
    assert len(routes) == 14, routes
    client = login_as("xinhu_head")
    for route, params in routes:
        for method in ("get", "post"):
            url = fill(route, params, foreign)
            hidden = getattr(client, method)(url, POSTED)
            missing = getattr(client, method)(fill(route, params, foreign, offset=100_000), POSTED)
            assert hidden.status_code == 404, f"{method.upper()} {url} answered {hidden.status_code}"
            assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content), url
            body = hidden.content.decode()
            assert "钱春旺" not in body and "孙春旺" not in body, url


def test_the_same_urls_open_for_the_clerk_of_that_township(foreign, login_as):
    client = login_as("huaqiao_clerk")
    for route, params in care_routes():
        url = fill(route, params, foreign)
        assert client.get(url, follow=True).status_code == 200, url  # the POST-only ones lead back


def test_a_task_of_another_kind_answers_404_on_a_care_form(make_person, login_as):
    person = make_person(name="商春旺")
    task, _ = ensure_task(
        kind="profile_record", rule="test:profile", department="joint", due_on=DAY,
        region_code=person.region_id, person=person,
    )  # fmt: skip
    client = login_as("xinhu_head")
    for form in ("merit-notice", "gift-pack", "condolence-visit"):
        assert client.get(f"/care/tasks/{task.pk}/{form}/").status_code == 404


def test_the_index_lists_only_the_records_in_the_users_jurisdiction(foreign, family, persona, login_as):
    services.record_visit(
        actor=None,
        person=family["father"],
        reason=VisitReason.AUGUST_FIRST,
        visited_on=DAY,
        participants="新湖",
    )
    mine = login_as("xinhu_clerk").get("/care/").content.decode()
    assert "商建国" in mine and "钱" not in mine
    theirs = login_as("huaqiao_clerk").get("/care/").content.decode()
    assert "钱春旺" in theirs and "钱建国" in theirs and "商建国" not in theirs
