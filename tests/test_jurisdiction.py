"""Out of jurisdiction answers exactly like missing: every URL pattern that takes an object id is
walked with an object of another township, by GET and by POST, and must give 404 and no data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from tests.benefits.factories import benefits_of
from tests.files import png
from yizhan.care import services as care_services
from yizhan.care.models import GIFT_PACK_ITEMS
from yizhan.conscription.models import Campaign, Candidate, Registration
from yizhan.ledgers.models import ExportRun, ImportRun
from yizhan.people import services
from yizhan.people.models import IdentityKind
from yizhan.veterans.models import AssistanceCase, PreferentialCard
from yizhan.worklist.services import ensure_task

# How to fill each URL parameter with the foreign township's object: by parameter name, and for
# the generic "pk" by the URL's first segment. A new name or section makes the walk fail until
# it is mapped here, so no id-taking page escapes the check.
PARAMETERS = {
    "person_id": "person",
    "document_pk": "document",
    "campaign_id": "campaign",
    "candidate_id": "candidate",
    "card_id": "card",
    "case_id": "assistance",
    "task_pk": "task",
    "merit_notice_pk": "merit_notice",
    "gift_pack_pk": "gift_pack",
    "visit_pk": "visit",
    "batch_pk": "allowance_batch",
    "recipient_pk": "allowance_recipient",
    "entitlement_pk": "bonus",
    "plaque_pk": "plaque",
    "run_pk": "import_run",
    "export_run_pk": "export_run",
}
PK_BY_SECTION = {"people": "person", "api": "person", "tasks": "task"}
# Non-id parameters of those patterns get a valid value, so only the id decides the answer.
LITERALS = {"tab": "family"}


def walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def id_patterns():
    found = []
    for route, entry in walk(get_resolver()):
        converters = getattr(entry.pattern, "converters", {})
        if any(isinstance(c, IntConverter) for c in converters.values()):
            found.append((route, list(converters)))
    return found


@pytest.fixture
def foreign(make_person, persona, settings, tmp_path):
    """A 花桥 person with every kind of attached object."""
    settings.DOCUMENTS_DIR = tmp_path
    person = make_person(
        name="钱外乡", village="320583400001", born=datetime.date(1990, 2, 3), phone="13700001111"
    )
    services.grant_identity(
        actor=None, person=person, kind=IdentityKind.VETERAN, since=datetime.date(2020, 1, 1), source="manual"
    )
    document = services.attach_document(
        actor=None, person=person, kind="photo", title="照片", content=png("foreign"), filename="p.png"
    )
    task, _ = ensure_task(
        kind="profile_record", rule="test:foreign", department="joint", due_on=datetime.date(2026, 12, 1),
        region_code=person.region_id, person=person,
    )  # fmt: skip
    campaign = Campaign.objects.create(
        county_id="320583000000", year=2026, half="H2", opens_on=datetime.date(2026, 5, 1),
        approval_on=datetime.date(2026, 9, 1), quota=5,
    )  # fmt: skip
    Registration.objects.create(
        person=person, year=2008, registered_on=datetime.date(2008, 3, 1), kind="initial", conclusion="liable"
    )
    candidate = Candidate.objects.create(
        campaign=campaign, person=person, region_code=person.region_id, applied_on=datetime.date(2026, 6, 1)
    )
    card = PreferentialCard.objects.create(
        person=person,
        card_type="veteran",
        photo=document,
        applicant="本人",
        accepted_on=datetime.date(2026, 10, 1),
    )
    case = AssistanceCase.objects.create(
        person=person, applied_on=datetime.date(2026, 10, 1), hardship="因病", description="住院"
    )
    objects = {
        "person": person, "document": document, "task": task, "campaign": campaign, "candidate": candidate,
        "card": card, "assistance": case,
    }  # fmt: skip
    objects.update(care_records(person))
    objects.update(benefits_of(person))
    objects["import_run"] = ImportRun.objects.create(
        kind="people", region_id="320583400000", file_name="台账.xlsx", source_path=str(tmp_path / "x.xlsx"),
        file_sha256="0" * 64, status="done", header_row=1,
    )  # fmt: skip
    # Requested by the walker himself, as if from a post he no longer holds: only the region keeps
    # the finished file from him.
    (tmp_path / "export.xlsx").write_bytes(b"PK foreign")
    objects["export_run"] = ExportRun.objects.create(
        requested_by=persona("xinhu_head"), ledger="veterans", title="昆山市花桥镇退役军人花名册",
        region_id="320583400000", reason="核对", status="done", total=1, done=1,
        file_path=str(tmp_path / "export.xlsx"),
    )  # fmt: skip
    return objects


def care_records(person) -> dict:
    """One 喜报 delivery, one gift pack and one visit of the foreign person, made by the services."""
    day = datetime.date(2026, 10, 9)
    award = services.add_award(actor=None, person=person, level="third_class", awarded_on=day)
    merit_task, _ = ensure_task(
        kind="merit_notice",
        rule="test:merit",
        department="joint",
        due_on=day,
        region_code=person.region_id,
        person=person,
    )
    pack_task, _ = ensure_task(
        kind="gift_pack",
        rule="test:pack",
        department="joint",
        due_on=day,
        region_code=person.region_id,
        person=person,
    )
    notice = care_services.record_merit_notice(
        actor=None, task=merit_task, award=award, family_address="曹安路1号", delivered_on=day, participants="站长",
        logged_on=day, family_signed=True, signer_name="钱父",
    )  # fmt: skip
    pack = care_services.record_gift_pack(
        actor=None,
        task=pack_task,
        delivered_on=day,
        received_by="钱父",
        items=[key for key, _ in GIFT_PACK_ITEMS],
        signed=True,
    )
    visit = care_services.record_visit(
        actor=None, person=person, reason="spring_festival", visited_on=day, participants="站长"
    )
    return {"merit_notice": notice, "gift_pack": pack, "visit": visit}


def test_every_id_taking_url_answers_404_for_another_townships_object(foreign, login_as):
    patterns = id_patterns()
    assert len(patterns) >= 10, "expected the people pages and the API among the walked patterns"
    client = login_as("xinhu_head")  # the widest station post: both departments, every permission
    for route, params in patterns:
        unknown = set(params) - set(PARAMETERS) - set(LITERALS) - {"pk"}
        assert not unknown, f"map URL parameter(s) {unknown} of {route} in PARAMETERS"
        assert "pk" not in params or section(route) in PK_BY_SECTION, (
            f"map the pk of {route} in PK_BY_SECTION"
        )
        for method in ("get", "post"):
            foreign_answer = request(client, method, fill(route, params, foreign))
            missing_answer = request(client, method, fill(route, params, foreign, offset=100_000))
            where = f"{method.upper()} {fill(route, params, foreign)}"
            # A POST-only page may refuse a GET (405) before looking anything up: the same
            # answer for every id, so it tells nothing. Anything else must be 404.
            assert foreign_answer.status_code in {404, 405}, f"{where} answered {foreign_answer.status_code}"
            assert (foreign_answer.status_code, foreign_answer.content) == (
                missing_answer.status_code,
                missing_answer.content,
            ), where
            body = foreign_answer.content.decode(errors="replace")
            assert "钱外乡" not in body and "13700001111" not in body, where


def section(route: str) -> str:
    return route.split("/", 1)[0]


def fill(route: str, params: list[str], objects: dict, offset: int = 0) -> str:
    url = "/" + route
    for name in params:
        kind = PK_BY_SECTION[section(route)] if name == "pk" else PARAMETERS.get(name)
        value = LITERALS[name] if name in LITERALS else str(objects[kind].pk + offset)
        url = re.sub(rf"<(\w+:)?{name}>", value, url)
    return url


def request(client, method: str, url: str):
    form = {"field": "id_number", "reason": "核对", "relative": 1, "kind": "parent", "duplicate": 1}
    return getattr(client, method)(url, form)


def test_a_missing_object_answers_exactly_like_a_foreign_one(foreign, login_as):
    client = login_as("xinhu_head")
    missing = client.get(f"/people/{foreign['person'].pk + 1000}/")
    hidden = client.get(f"/people/{foreign['person'].pk}/")
    assert (missing.status_code, missing.content) == (hidden.status_code, hidden.content)
    api_missing = client.get(f"/api/people/{foreign['person'].pk + 1000}")
    api_hidden = client.get(f"/api/people/{foreign['person'].pk}")
    assert (api_missing.status_code, api_missing.json()) == (api_hidden.status_code, api_hidden.json())


def test_lists_searches_counts_and_the_api_leave_the_foreign_person_out(foreign, login_as):
    client = login_as("xinhu_head")
    link = f"/people/{foreign['person'].pk}/"
    for url in [
        "/people/",
        "/people/?q=qwx",
        "/people/?q=钱外乡",
        "/people/?identity=veteran",
        "/people/?village=320583400001",
    ]:
        body = client.get(url).content.decode()
        assert link not in body, url
        assert "没有找到匹配的人员" in body or "钱外乡" not in body, url
    assert "钱外乡" not in client.get("/audit/").content.decode()
    assert client.get("/api/people", {"q": "钱外乡"}).json() == []
    assert client.get("/api/people-count", {"region_code": "320583400001"}).json() == {"count": 0}
    assert client.get("/api/people-count").json() == {"count": 0}


def test_the_foreign_clerk_sees_his_own_person_through_the_same_urls(foreign, login_as):
    client = login_as("huaqiao_clerk")
    assert "钱外乡" in client.get(f"/people/{foreign['person'].pk}/").content.decode()
    assert (
        client.get("/api/people", {"q": "qwx"})
        .json()[0]["id_number_masked"]
        .endswith(foreign["person"].id_number[-4:])
    )
    assert client.get("/api/people-count").json() == {"count": 1}
