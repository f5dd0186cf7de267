"""Out of jurisdiction answers exactly like missing, wherever the id travels.

The walk is driven by the URL patterns and by core.scopes.SCOPES, so a page or a model added
later is walked without editing this file (or fails until its new parameter is named here):
- every URL pattern with an id is opened with another township's object, by GET and by POST,
  and must answer 404 exactly as for a missing one, without naming anyone;
- every page is opened with the walker's own objects, and the id-taking fields of its forms
  (found in the HTML: selects of ids or codes, hidden ids, id pickers, codes in field names) are
  posted with the foreign object's id: the answer must be the one a missing id gets, name no
  one, and change no row outside the walker's county (rows of every SCOPES model, compared
  before and after). Settings pages (rates, intakes, quotas) are among them, walked with the foreign
  region's row; their lists must not show it.
"""

from __future__ import annotations

import difflib
import itertools
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter

from tests.jurisdiction_world import DAY, world_of
from yizhan.core.policy_values import REGISTRY
from yizhan.core.scopes import SCOPES, UNSCOPED, visible
from yizhan.desk.person import TABS
from yizhan.hall import services as hall_services
from yizhan.hall.views import STEPS as HALL_STEPS
from yizhan.ledgers.exports.registry import LEDGERS
from yizhan.reports.figures import FIGURES
from yizhan.reports.pages import DASHBOARDS

# What each URL parameter names, by name, and for the generic "pk" by the URL's first segment.
# A new name or section makes the walk fail until it is mapped here.
PARAMETERS = {
    "person_id": "people.Person",
    "household": "people.Household",
    "document_pk": "people.Document",
    "campaign_id": "conscription.Campaign",
    "candidate_id": "conscription.Candidate",
    "card_id": "veterans.PreferentialCard",
    "case_id": "veterans.AssistanceCase",
    "task_pk": "worklist.Task",
    "merit_notice_pk": "care.MeritNoticeDelivery",
    "gift_pack_pk": "care.GiftPackDelivery",
    "visit_pk": "care.CondolenceVisit",
    "batch_pk": "benefits.PaymentBatch",
    "recipient_pk": "benefits.AllowanceRecipient",
    "entitlement_pk": "benefits.BonusEntitlement",
    "plaque_pk": "benefits.HonorPlaque",
    "run_pk": "ledgers.ImportRun",
    "export_run_pk": "ledgers.ExportRun",
    "stage_result_pk": "conscription.StageResult",
    "registration_pk": "conscription.Registration",
    "service_record_pk": "people.ServiceRecord",
    "award_pk": "people.Award",
    "event_pk": "lifecycle.DomainEvent",
    "checkin_pk": "veterans.Checkin",
    "user_pk": "accounts.User",
    "post_pk": "accounts.Post",
    "device_pk": "accounts.Device",
    "grid_pk": "regions.Grid",
    "session_pk": "accounts.ActiveSession",
    "token_pk": "accounts.ApiToken",
    "service_case_pk": "hall.ServiceCase",
    "rectification_pk": "hall.Rectification",
    "ticket_pk": "hall.Ticket",
    "window_pk": "hall.Window",
    "campaign_pk": "care.VisitCampaign",
    "campaign_visit_pk": "care.CampaignVisit",
    "membership_pk": "militia.Membership",
    "equipment_pk": "militia.Equipment",
    "team_pk": "station.Team",
    "activity_pk": "station.JointActivity",
    "photo_pk": "station.ActivityPhoto",
    "honor_pk": "station.HonorEntry",
    "archive_pk": "station.ArchiveFile",
    "loan_pk": "station.ArchiveLoan",
}
PK_BY_SECTION = {"people": "people.Person", "api": "people.Person", "tasks": "worklist.Task"}
# Parameters that are not ids: every value the code offers is walked.
LITERALS = {
    "tab": [key for key, _ in TABS],
    "slug": list(LEDGERS),
    "key": list(FIGURES),
    "page": [key for key, *_ in DASHBOARDS],
    "action": ["correct", "withdraw"],
    "name": list(REGISTRY),
    "step": list(HALL_STEPS),
    "station": ["371402001000"],  # a hall's public pages, by the station's code (the walker's)
    "item_code": ["YZ-S-03", "YZ-A-01"],  # two of the national 事项清单 (hall/migrations/0002_catalog.py)
}

# Form fields that name an object: what they name. A SCOPES label, a user, or a region level
# (a code of that level). A field the walk finds that looks like an id and is not here fails
# the walk until it is named (or listed in NOT_IDS).
ID_FIELDS = {
    "relative": "people.Person",
    "duplicate": "people.Person",
    "member": "people.Person",
    "head": "people.Person",
    "recipient": "people.Person",
    "tasks": "worklist.Task",
    "candidates": "conscription.Candidate",
    "campaign": "conscription.Campaign",
    "award": "people.Award",
    "assignee": "accounts.User",
    "liaison": "accounts.User",
    "region": "village",
    "village": "village",
    "township": "township",
    "station": "township",  # a hall's station (a window added to it)
    "county": "county",
    "county_code": "county",
    "region_code": "county",  # a policy's region (core.policy): county, city, province or ""
    "to_window": "hall.Window",  # a ticket's transfer
    "person": "people.Person",
    "unit": "militia.Unit",
    "units": "militia.Unit",
    "parent": "militia.Unit",
    "teams": "station.Team",
    "household_member": "people.Person",  # a family joins an activity through any of its members
    "grid": "regions.Grid",  # the 网格 a household is placed in
}
# Fields that look like ids in the HTML and are not: optimistic-lock versions, years, counts.
NOT_IDS = {"version", "year", "header_row", "account", "visits"}  # visits: 0 or 1 (a hall item's)
# The 事项清单 is national (every station offers every item), and a case's "received" boxes are the
# materials of its own checklist, checked against the case by the service: neither is jurisdiction.
NOT_IDS |= {"item", "received"}
# A region code inside a field name (the quota sheet's quota_<township code>).
CODE_IN_NAME = re.compile(r"^(?P<stem>\w+?)_(?P<code>\d{12})$")

HOME_VILLAGE, FOREIGN_VILLAGE = "371402001001", "320583400001"


@pytest.fixture
def worlds(make_person, persona, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    walker = persona("xinhu_head")  # the widest station post: both departments, every permission
    home = world_of(
        name="商春旺", relative_name="商建国", phone="13800002222", village=HOME_VILLAGE,
        make_person=make_person, requester=walker, files=tmp_path, marker="新湖标记", amount="12345",
    )  # fmt: skip
    # The foreign export run was requested by the walker himself, as if from a post he no longer
    # holds: only the region keeps the finished file from him.
    foreign = world_of(
        name="钱外乡", relative_name="钱老父", phone="13700001111", village=FOREIGN_VILLAGE,
        make_person=make_person, requester=walker, files=tmp_path, marker="花桥标记", amount="31415",
    )  # fmt: skip
    home["accounts.User"] = [walker]
    # The walker sits at his hall's 退役 window, where a ticket is called: its buttons are walked.
    hall_services.sign_in(actor=walker, window=home["hall.Ticket"][0].window)
    foreign["accounts.User"] = [persona("huaqiao_clerk")]
    return home, foreign


# Nothing of the foreign township may appear on the walker's pages.
LEAKS = ["钱外乡", "钱老父", "13700001111", "花桥标记", "31415", "花桥经济开发区", "昆山"]


def walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def routes() -> list[tuple[str, list[str], bool]]:
    """(route, parameter names, takes an id) of every page and API operation."""
    found = []
    for route, entry in walk(get_resolver()):
        if route.startswith(("accounts/", "healthz", "ping")) or route.endswith(("docs", "openapi.json")):
            continue
        converters = getattr(entry.pattern, "converters", {})
        found.append((route, list(converters), any(isinstance(c, IntConverter) for c in converters.values())))
    return found


def label_of(route: str, name: str) -> str:
    if name == "pk":
        return PK_BY_SECTION[route.split("/", 1)[0]]
    return PARAMETERS[name]


def fillings(route: str, params: list[str], objects: dict, offset: int = 0):
    """Every URL of the route with these objects (each candidate of each id, each literal)."""
    choices = []
    for name in params:
        if name in LITERALS:
            choices.append([(name, value) for value in LITERALS[name]])
        else:
            choices.append([(name, str(obj.pk + offset)) for obj in objects[label_of(route, name)]])
    for combination in itertools.product(*choices):
        url = "/" + route
        for name, value in combination:
            url = re.sub(rf"<(\w+:)?{name}>", value, url)
        yield url


def test_every_url_parameter_is_mapped():
    for route, params, _ in routes():
        for name in params:
            assert name in LITERALS or name in PARAMETERS or name == "pk", (
                f"map URL parameter {name} of {route} in PARAMETERS or LITERALS"
            )
            if name == "pk":
                assert route.split("/", 1)[0] in PK_BY_SECTION, f"map the pk of {route} in PK_BY_SECTION"


def test_the_world_has_a_foreign_row_of_every_scoped_model(worlds):
    _, foreign = worlds
    for label, scope in SCOPES.items():
        if scope.how == UNSCOPED:
            continue
        assert label in foreign, f"give the walk's world (tests/jurisdiction_world.py) a {label}"
        if foreign[label]:
            assert all(row.pk is not None for row in foreign[label]), label
    assert {label_of(r, p) for r, ps, _ in routes() for p in ps if p not in LITERALS} <= set(foreign)


# --- ids in paths -----------------------------------------------------------------------------


def test_every_id_taking_url_answers_404_for_another_townships_object(worlds, login_as):
    _, foreign = worlds
    client = login_as("xinhu_head")
    walked = 0
    for route, params, takes_id in routes():
        if not takes_id:
            continue
        for url, missing in zip(
            fillings(route, params, foreign), fillings(route, params, foreign, offset=100_000), strict=True
        ):
            for method in ("get", "post"):
                foreign_answer = getattr(client, method)(url, GENERIC_BODY)
                missing_answer = getattr(client, method)(missing, GENERIC_BODY)
                where = f"{method.upper()} {url}"
                # A POST-only page may refuse a GET (405) before looking anything up: the same
                # answer for every id, so it tells nothing. Anything else must be 404.
                assert foreign_answer.status_code in {404, 405}, (
                    f"{where} answered {foreign_answer.status_code}"
                )
                assert (foreign_answer.status_code, foreign_answer.content) == (
                    missing_answer.status_code,
                    missing_answer.content,
                ), where
                assert_no_leak(foreign_answer, where)
                walked += 1
    assert walked >= 100, "expected the people pages, the work forms and the API among the walked patterns"


GENERIC_BODY = {"field": "id_number", "reason": "核对", "kind": "parent"}


def content(response) -> bytes:
    """The body, read once (a file download streams)."""
    if not hasattr(response, "walked_content"):
        response.walked_content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        )
    return response.walked_content


def assert_no_leak(response, where: str) -> None:
    body = content(response).decode(errors="replace")
    for text in LEAKS:
        assert text not in body, f"{where} shows {text}"


def test_a_missing_object_answers_exactly_like_a_foreign_one(worlds, login_as):
    _, foreign = worlds
    person = foreign["people.Person"][0]
    client = login_as("xinhu_head")
    missing = client.get(f"/people/{person.pk + 1000}/")
    hidden = client.get(f"/people/{person.pk}/")
    assert (missing.status_code, missing.content) == (hidden.status_code, hidden.content)
    api_missing = client.get(f"/api/people/{person.pk + 1000}")
    api_hidden = client.get(f"/api/people/{person.pk}")
    assert (api_missing.status_code, api_missing.json()) == (api_hidden.status_code, api_hidden.json())


def test_lists_searches_counts_and_the_api_leave_the_foreign_person_out(worlds, login_as):
    _, foreign = worlds
    client = login_as("xinhu_head")
    link = f"/people/{foreign['people.Person'][0].pk}/"
    for url in [
        "/people/",
        "/people/?q=qwx",
        "/people/?q=钱外乡",
        "/people/?identity=veteran",
        "/people/?village=320583400001",
    ]:
        body = client.get(url).content.decode()
        assert link not in body, url
        assert "没有找到匹配的人员" in body or "钱外乡" not in body, url  # the box shows what was typed
    assert "钱外乡" not in client.get("/system/logs/operations/").content.decode()
    assert client.get("/api/people", {"q": "钱外乡"}).json() == []
    assert client.get("/api/people-count", {"region_code": "320583400001"}).json() == {"count": 0}
    assert client.get("/api/people-count").json() == {"count": 2}  # 商春旺 and his father


def test_the_foreign_clerk_sees_his_own_person_through_the_same_urls(worlds, login_as):
    _, foreign = worlds
    person = foreign["people.Person"][0]
    client = login_as("huaqiao_clerk")
    assert "钱外乡" in client.get(f"/people/{person.pk}/").content.decode()
    assert (
        client.get("/api/people", {"q": "qwx"}).json()[0]["id_number_masked"].endswith(person.id_number[-4:])
    )
    assert client.get("/api/people-count").json() == {"count": 2}


# --- every page, and ids in bodies ------------------------------------------------------------


class Forms(HTMLParser):
    """The POST targets of a page: {action path: {field: [values offered]}}, and the fields
    that look like ids (so an unmapped one is noticed)."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.id_like: set[str] = set()
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._options: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "hx-post" in a:
            self.forms.setdefault(a["hx-post"].split("?")[0], {})
        if tag == "form" and a.get("method", "get").lower() == "post":
            action = (a.get("action") or self.page).split("?")[0]
            self._fields = self.forms.setdefault(action, {})
        if self._fields is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "file", "button"}:
            value, kind = a.get("value", ""), a.get("type", "text")
            values = self._fields.setdefault(name, [])
            if kind in {"checkbox", "radio"}:
                values.insert(0, value) if "checked" in a else values.append(value)
            else:
                values.append(value or FILLER.get(kind, "核对"))
            if (kind in {"hidden", "checkbox", "radio"} and value.isdigit()) or a.get(
                "inputmode"
            ) == "numeric":
                self.id_like.add(name)
        elif tag == "textarea" and name:
            self._fields.setdefault(name, []).append("核对")
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            values = [v for v in self._options if v]
            self._fields.setdefault(self._select, []).extend(values or [""])
            if values and all(v.isdigit() for v in values):
                self.id_like.add(self._select)
            self._select = None
        if tag == "form":
            self._fields = None


FILLER = {"date": DAY.isoformat(), "number": "1", "email": "a@example.com", "tel": "13800000000"}


def pages(home: dict) -> list[tuple[str, str]]:
    """(route, url) of every page and API operation, filled with the walker's own objects."""
    return [(route, url) for route, params, _ in routes() for url in fillings(route, params, home)]


def discover(client, home: dict):
    """What every page posts ({action path: fields}), the id-like fields of each page, and the
    URLs to post foreign ids to: per route, those of the walker's objects that open (a work form
    opens only for a task of its kind), else the first (a POST-only action)."""
    actions: dict[str, dict[str, list[str]]] = {}
    id_like: dict[str, set[str]] = {}
    targets: list[str] = []
    for route, params, _ in routes():
        opened = []
        urls = list(fillings(route, params, home))
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened.append(url)
            if "html" not in response.get("Content-Type", ""):
                continue
            parser = Forms(url)
            parser.feed(response.content.decode())
            for action, fields in parser.forms.items():
                merged = actions.setdefault(action, {})
                for name, values in fields.items():
                    merged.setdefault(name, values)
            id_like[url] = parser.id_like
        targets.extend(opened or urls[:1])
    # A form's target that no page of the same route opened (a POST-only action) is posted to.
    walked = {"/" + route for route, _, _ in routes()}
    targets.extend(
        action
        for action in actions
        if action not in targets and resolve(action).route in walked  # signing out is not walked
    )
    return actions, id_like, targets


# The station head has every station form; the county officer the settings pages (rates,
# registration settings, intakes, quotas, payment batches). Both are walked.
WALKERS = ["xinhu_head", "decheng"]


@pytest.mark.parametrize("walker", WALKERS)
def test_every_id_taking_form_field_is_named_in_the_walk(worlds, login_as, walker):
    home, _ = worlds
    actions, id_like, _ = discover(login_as(walker), home)
    assert len(actions) >= 20, "expected the work forms, the person page's forms and the settings pages"
    unnamed = {
        f"{page}: {name}"
        for page, names in id_like.items()
        for name in names
        if name not in ID_FIELDS and name not in NOT_IDS and not CODE_IN_NAME.match(name)
    }
    assert not unnamed, f"say in ID_FIELDS what these form fields name (or list them in NOT_IDS): {unnamed}"
    offered = {name for fields in actions.values() for name in fields}
    assert {"relative", "recipient", "assignee", "candidates", "region"} <= offered
    if walker == "decheng":
        assert {"county", "region_code", "quota_371402001000"} <= offered


def value_of(kind: str, world: dict, *, missing: bool = False) -> list[str]:
    """The value(s) a field naming `kind` gets: the world's object, or one that does not exist."""
    if kind in world:
        return [str(obj.pk + (100_000 if missing else 0)) for obj in world[kind]]
    village = "999999999999" if missing else world["regions.Region"][1].code
    return [{
        "village": village,
        "township": village[:9] + "000",
        "county": village[:6] + "000000",
    }[kind]]  # fmt: skip


def body_for(fields: dict[str, list[str]], world: dict, *, missing: bool = False) -> dict:
    """The form as the page offers it (first value of each field), its id fields pointing at
    `world`'s objects; a code in a field name becomes the world's township."""
    body = {name: values[:1] for name, values in fields.items()}
    for name, kind in ID_FIELDS.items():
        body[name] = value_of(kind, world, missing=missing)
    for name in list(body):
        match = CODE_IN_NAME.match(name)
        if match:
            code = "999999999000" if missing else world["regions.Region"][0].code
            body[f"{match['stem']}_{code}"] = body.pop(name)
    return body


CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the masked CSRF token, new on every page
ONE_TIME = re.compile(r'(data-testid="one-time-password">)[^<]*')  # a reset password, new each time


def normalised(response, bodies: list[dict]) -> tuple[int, str]:
    """Status and page with the submitted ids blanked (a form shows back what was typed)."""
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json")):
        # A file (the bank's xlsx) carries the time it was written: compare what it is, not its bytes.
        return response.status_code, kind
    text = ONE_TIME.sub(r"\1", CSRF.sub("", content(response).decode(errors="replace")))
    submitted = {
        value
        for body in bodies
        for name, values in body.items()
        if name in ID_FIELDS or CODE_IN_NAME.match(name)
        for value in values
        if value
    }
    for value in sorted(submitted, key=len, reverse=True):  # 100005 before 5
        text = text.replace(value, "ID")
    return response.status_code, text


def difference(foreign: tuple[int, str], missing: tuple[int, str]) -> str:
    if foreign[0] != missing[0]:
        return f"answered {foreign[0]}, a missing id {missing[0]}"
    lines = difflib.unified_diff(missing[1].splitlines(), foreign[1].splitlines(), "missing", "foreign", n=0)
    return "\n".join(list(lines)[:12])


class Rollback(Exception):
    pass


SCOPED = [label for label, scope in SCOPES.items() if scope.how != UNSCOPED]
TABLE_OF = {label: re.compile(rf"\b{apps.get_model(label)._meta.db_table}\b") for label in SCOPED}
READ_ONLY = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def all_rows(labels: list[str] = SCOPED) -> dict[str, list]:
    """Every row of each scoped model named (all of them unless told)."""
    return {label: list(apps.get_model(label).objects.order_by("pk").values_list()) for label in labels}


def invisible_rows(user, labels: list[str] = SCOPED) -> dict[str, list]:
    """Every row of each scoped model named that the user may not see (system audit events aside)."""
    rows = {}
    for label in labels:
        model = apps.get_model(label)
        seen = set(visible(user, label).values_list("pk", flat=True))
        others = model.objects.exclude(pk__in=seen)
        if label == "audit.AuditEvent":
            others = others.exclude(region_code="")
        rows[label] = sorted(map(repr, others.values_list()))
    return rows


class Writes:
    """The statements of a request that may write (anything but a read or a savepoint), so only
    the tables they name are compared: reading every row of every scoped model after each of
    the walk's answers made it the slowest test of the suite, and most answers write nothing."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(READ_ONLY):
            self.statements.append(sql)
        return execute(sql, params, many, context)

    def tables(self) -> list[str]:
        return [label for label in SCOPED if any(TABLE_OF[label].search(sql) for sql in self.statements)]


def answer(client, method: str, url: str, body: dict, *, watch: tuple | None = None):
    """The response, and whether it changed any row the watched user may not see (`watch`: the
    user, every row and his unseen rows before); rolled back after, so every answer meets the
    same world (and no message of an earlier answer shows)."""
    changed = False
    client.cookies.pop("messages", None)
    writes = Writes()
    try:
        with transaction.atomic():
            with connection.execute_wrapper(writes):
                response = getattr(client, method)(url, body)
            assert response.wsgi_request.user.is_authenticated, f"{url} was answered to no one"
            written = writes.tables()
            if watch is not None and written:
                user, everything, unseen = watch
                changed = all_rows(written) != {label: everything[label] for label in written} and (
                    invisible_rows(user, written) != {label: unseen[label] for label in written}
                )
            raise Rollback
    except Rollback:
        pass
    return response, changed


def test_the_walks_write_watch_names_the_tables_an_orm_or_raw_write_touches(worlds):
    _, foreign = worlds
    person = foreign["people.Person"][0]
    writes = Writes()
    with transaction.atomic(), connection.execute_wrapper(writes):
        list(apps.get_model("people.Person").objects.filter(pk=person.pk))
        assert writes.tables() == []
        apps.get_model("people.Person").objects.filter(pk=person.pk).update(ethnicity="回族")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM worklist_task WHERE id = %s", [-1])
        transaction.set_rollback(True)
    assert {"people.Person", "worklist.Task"} <= set(writes.tables())


@pytest.mark.parametrize("walker", WALKERS)
def test_every_page_refuses_foreign_ids_in_its_form_fields_as_if_missing(worlds, login_as, persona, walker):
    home, foreign = worlds
    # Rows outside the walkers' county (the foreign township's, and any that would link his
    # people to it): a county-level row the station head cannot see may still be written (the
    # audit event of his county's bank file).
    county = persona("decheng")
    watch = (county, all_rows(), invisible_rows(county))
    client = login_as(walker)
    actions, _, targets = discover(client, home)
    walked = 0
    for url in targets:
        fields = actions.get(url, {})
        for method in ("post", "get"):
            foreign_body = body_for(fields, foreign)
            missing_body = body_for(fields, foreign, missing=True)
            foreign_answer, changed = answer(client, method, url, foreign_body, watch=watch)
            missing_answer, _ = answer(client, method, url, missing_body)
            where = f"{method.upper()} {url} with foreign ids"
            assert not changed, f"{where} changed rows outside the walker's jurisdiction"
            assert_no_leak(foreign_answer, where)
            bodies = [foreign_body, missing_body]
            seen_foreign, seen_missing = (
                normalised(foreign_answer, bodies),
                normalised(missing_answer, bodies),
            )
            assert seen_foreign == seen_missing, f"{where}: {difference(seen_foreign, seen_missing)}"
            walked += 1
    assert walked >= 100


@pytest.mark.parametrize("walker", WALKERS)
def test_every_page_opened_with_the_walkers_own_objects_leaves_the_foreign_township_out(
    worlds, login_as, walker
):
    home, _ = worlds
    client = login_as(walker)
    opened = 0
    for _, url in pages(home):
        response = client.get(url)
        assert response.status_code < 500, url
        assert_no_leak(response, f"GET {url}")
        opened += response.status_code == 200
    assert opened >= 60
