"""Scoped reads of the registry. Views, exports and the API read people only through here."""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Iterator

from django.db import connection
from django.db.models import (
    Case,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from yizhan.accounts.roles import Perm
from yizhan.audit.models import AuditEvent
from yizhan.core import crypto, idnumber
from yizhan.core.pinyin import name_keys, query_kind
from yizhan.core.scopes import reach, scoped, visible
from yizhan.core.scoping import get_in_scope
from yizhan.people.models import (
    ID_CONTEXT,
    INVERSE_RELATION,
    Household,
    Identity,
    Person,
    Relation,
    RelationKind,
    masked_id_number,
    masked_phone,
)
from yizhan.regions.models import Region, scope_bounds
from yizhan.statements import Statements


def people_visible_to(user, *, scope_filters_only: bool = False) -> QuerySet[Person]:
    """Every person the user may see: under his posts' regions, merged duplicates left out
    (SCOPES["people.Person"]). `scope_filters_only`: another index (name, pinyin, household)
    leads the query and the scope only filters what it finds."""
    return Person.objects.filter(scoped(user, "people.Person", outside_index=scope_filters_only))


def visible_through(user, via: str) -> Q:
    """people_visible_to's rule applied through a relation (`via`: "person", "relative", …) as a
    join. Preferred to `via__in=people_visible_to(user)`, which SQLite may answer by listing every
    visible person first (a whole township for each page: docs/benchmarks.md). The range stays
    usable by the index: letting SQLite start from the records instead is faster only when their
    statistics are right, and a scan of every person when they are not."""
    return reach(user, "people.Person", via)


def get_person(*, user, pk: int) -> Person:
    """One visible person, or 404 exactly as if it did not exist."""
    return get_in_scope(people_visible_to(user).select_related("region", "household", "photo"), pk=pk)


def starts_with(field: str, prefix: str) -> Q:
    """Prefix match that both databases answer from an index.

    PostgreSQL: LIKE 'p%' uses the varchar_pattern_ops index Django adds for db_index CharFields.
    SQLite: LIKE with ESCAPE never uses an index, but a range does (BINARY collation compares
    UTF-8 bytes, and U+10FFFF sorts after every other character).
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


def search_people(
    *, user, query: str, limit: int = 20, identity: str = "", region_code: str = ""
) -> list[Person]:
    """One box: an ID number (exact, by blind index), pinyin (initials or full), or a name.
    Best matches first: exact before prefix, shorter names before longer. The list's filters
    (a current identity, a village) narrow the matches too. Each person comes with his region
    and his current identities (`current_identities`), for the badges."""
    query = query.strip()
    if not query:
        return []
    parts = _matching(user=user, query=query, identity=identity, region_code=region_code)
    found = _best(limit, (list(part[:limit]) for part in parts))
    prefetch_related_objects(found, "region", _current_identities())
    return found


# What the API's search answers carry (PersonOut): its names, and the columns read for them.
BRIEF = {"id": "id", "name": "name", "sex": "sex", "birth_date": "birth_date", "region_code": "region_id"}


def search_people_brief(*, user, query: str, limit: int = 20) -> list[dict]:
    """search_people's matches as the API shows them: the same query and scope, read as rows
    (no model instances, no badges), the region's name in a subquery, the ID number and phone
    masked. A pinyin query reuses the SQL compiled for the user's scope (yizhan/statements.py)."""
    query = query.strip()
    if not query:
        return []
    region_name = Subquery(Region.objects.filter(code=OuterRef("region_id")).values("name")[:1])

    def as_rows(part: QuerySet[Person]) -> QuerySet:
        rows = part.annotate(region_name=region_name)
        return rows.values_list(*BRIEF.values(), "region_name", "id_number_enc", "phone_enc")[:limit]

    def read(n: int, part: QuerySet[Person]) -> list[tuple]:
        rows = None
        if query_kind(query) == "pinyin":
            # Everything the query depends on besides the word: the scope's bounds and the right
            # to see people (core.scopes), the limit, the database read (core.replica), the part.
            shape = (
                "people.brief",
                tuple(user.scope_bounds),
                user.can(Perm.VIEW_PEOPLE),
                limit,
                Person.objects.db,
                n,
            )
            rows = _STATEMENTS.rows(
                shape, query.lower(), lambda text: as_rows(_matching(user=user, query=text)[n])
            )
        return list(as_rows(part)) if rows is None else rows

    parts = _matching(user=user, query=query)
    return [
        {
            **dict(zip(BRIEF, values[:-3], strict=True)),
            "region_name": values[-3],
            "id_number_masked": masked_id_number(values[-2]),
            "phone_masked": masked_phone(values[-1]),
        }
        for values in _best(limit, (read(n, part) for n, part in enumerate(parts)))
    ]


_STATEMENTS = Statements()


def _best(limit: int, parts: Iterator[list]) -> list:
    """The first `limit` of the parts' rows, in order, reading a part only while there is room:
    every row of a part outranks every row of the next (_ranked)."""
    found: list = []
    for rows in parts:
        found += rows[: limit - len(found)]
        if len(found) >= limit:
            break
    return found


def _matching(*, user, query: str, identity: str = "", region_code: str = "") -> list[QuerySet[Person]]:
    """The people the box finds for `query` (stripped, not empty), best first, in parts
    (_ranked)."""
    # No select_related, and the scope kept out of the index choice: otherwise SQLite's planner
    # may walk every person in the township instead of the few whose name matches
    # (docs/benchmarks.md). Regions are fetched afterwards for the page of results.
    visible = _filtered(people_visible_to(user, scope_filters_only=True), identity, region_code)
    kind = query_kind(query)
    if kind == "id_number":
        number = idnumber.normalize(query)
        return [visible.filter(id_number_bidx=crypto.blind_index(number, context=ID_CONTEXT))]
    if kind == "pinyin":
        key = query.lower()
        initials, pinyin = starts_with("name_initials", key), starts_with("name_pinyin", key)
        # A full pinyin's prefix matches far more than the initials (zh: zhang, zhao, zhou…):
        # a part of its own, read only when the initials leave room.
        parts = [[initials], [pinyin]]
        tiers = [Q(name_initials=key), initials, Q(name_pinyin=key)]
    else:
        # A name typed with a wrong character in the middle still finds people by its pinyin.
        # One part: the exact pinyin is a few rows, cheaper read with the name than after it.
        prefix = starts_with("name", query)
        parts = [[prefix, Q(name_pinyin=name_keys(query)[0])]]
        tiers = [Q(name=query), prefix]
    return _ranked(user, visible, parts, tiers)


def _ranked(user, people: QuerySet[Person], parts: list[list[Q]], tiers: list[Q]) -> list[QuerySet[Person]]:
    """A query a part: the people meeting any of its matches and none of the parts' before it,
    ordered by the first of `tiers` each meets (those meeting none come last), then by name —
    what asking tier by tier and topping up gave. The tiers are such that every row of a part
    outranks every row of the next (a part's matches are tiers, or rank below all of them), so
    a part is read only when the parts before it leave room (_best): a short initial (zh) fills
    the page without reading the full pinyin's county-wide matches."""
    rank = Case(*(When(tier, then=Value(n)) for n, tier in enumerate(tiers)), default=Value(len(tiers)))
    queries, earlier = [], Q()
    for matches in parts:
        either = functools.reduce(operator.or_, (_found_in_index(user, match) for match in matches))
        query = people.filter(either).exclude(earlier)
        queries.append(query.annotate(search_rank=rank).order_by("search_rank", "name", "pk"))
        earlier = functools.reduce(operator.or_, matches, earlier)
    return queries


def _found_in_index(user, match: Q) -> Q:
    """`match` (a condition on one search key) such that the user's scope is checked inside
    the key's index (people.models.SEARCH_INDEXES: the key, the region, the merge), before any
    row is read: a county-wide key (张 is one person in ten) then reads only the township's
    matches. Beside the scope as a plain condition, SQLite read every county-wide match first —
    400 ms at 1M for a common initial (docs/benchmarks.md). SQLite checks an index's other
    columns only when the index alone answers the query, so there the match becomes the ids of
    a subquery on the key and the scope; PostgreSQL checks them in any index scan (its plain
    condition was 5 ms where the subquery's join was 8)."""
    if connection.vendor != "sqlite":
        return match
    found = Person.objects.filter(match, scoped(user, "people.Person", outside_index=True))
    return Q(pk__in=found.values("pk"))


def _filtered(people: QuerySet[Person], identity: str, region_code: str) -> QuerySet[Person]:
    """People holding `identity` today, under the region `region_code` (each optional)."""
    if identity:
        people = people.filter(
            pk__in=Identity.objects.filter(Identity.current_q(), kind=identity).values("person_id")
        )
    if region_code:
        try:
            lo, hi = scope_bounds(region_code)
        except ValueError:
            return people.none()
        people = people.filter(region_id__gte=lo, region_id__lt=hi)
    return people


def list_people(*, user, identity: str = "", region_code: str = "") -> QuerySet[Person]:
    """The filtered list: e.g. all current 军属 of one village."""
    people = _filtered(people_visible_to(user).select_related("region"), identity, region_code)
    return people.order_by("region_id", "name", "pk")


def current_identities(person: Person, today: datetime.date | None = None) -> list[Identity]:
    return list(person.identities.filter(Identity.current_q(today)).select_related("through"))


def family_of(person: Person, *, user=None) -> list[tuple[Person, str]]:
    """(relative, kind as seen from `person`), whichever side the relation was recorded from.
    Pages pass the `user`: a relative outside his jurisdiction is not named."""
    family: list[tuple[Person, str]] = []
    mine = Relation.objects.filter(person=person)
    theirs = Relation.objects.filter(relative=person)
    if user is not None:
        mine, theirs = (
            mine.filter(visible_through(user, "relative")),
            theirs.filter(visible_through(user, "person")),
        )
    for rel in mine.select_related("relative"):
        family.append((rel.relative, rel.kind))
    for rel in theirs.select_related("person"):
        family.append((rel.person, INVERSE_RELATION[rel.kind]))
    return family


# 军人家属 by how the relative stands to the servicemember; a child counts only while a minor or
# when recorded as unable to live independently (Person.dependent_adult).
MILITARY_FAMILY_RELATIONS = {RelationKind.SPOUSE, RelationKind.PARENT, RelationKind.GUARDIAN}
ADULT_AGE = 18


def counts_as_military_family(relative: Person, kind: str, on: datetime.date) -> bool:
    """THE definition of 军人家属 (DOMAIN.md): spouse, parents and those who raised the member,
    minor children, and adult children unable to live independently — `kind` as seen from the
    member, at date `on`. The rules, tick and the ledger import all decide through here."""
    if kind in MILITARY_FAMILY_RELATIONS:
        return True
    if kind == RelationKind.CHILD:
        age = relative.age(on)
        return (age is not None and age < ADULT_AGE) or relative.dependent_adult
    return False


def relation_between(person: Person, relative: Person) -> Relation | None:
    """The one relation row of the pair, whichever side recorded it."""
    return (
        Relation.objects.filter(person=person, relative=relative).first()
        or Relation.objects.filter(person=relative, relative=person).first()
    )


def military_family_of(person: Person, today: datetime.date | None = None) -> list[Person]:
    """The member's relatives who are 军人家属 on `today`."""
    today = today or timezone.localdate()
    return [
        relative for relative, kind in family_of(person) if counts_as_military_family(relative, kind, today)
    ]


def timeline_of(person: Person) -> QuerySet[AuditEvent]:
    """Everything that happened to the person, newest first (audit events name the person).
    Visits to his page are left out: they are who looked, not what happened (the audit viewer
    keeps them)."""
    return (
        AuditEvent.objects.filter(object_type="person", object_id=str(person.pk))
        .exclude(action="person.view")
        .order_by("-id")
    )


def _current_identities() -> Prefetch:
    return Prefetch(
        "identities", queryset=Identity.objects.filter(Identity.current_q()), to_attr="current_identities"
    )


def with_current_identities(people: QuerySet[Person]) -> QuerySet[Person]:
    """Prefetch the badges of a page of people in one query."""
    return people.prefetch_related(_current_identities())


def household_label(household, *, visible: QuerySet[Person]) -> tuple[str, list[str]]:
    """("商建国户", [member names]) naming only the members the user may see (visible =
    people_visible_to(user)); the household's own name (户名) when the station gave it one; a
    household whose head lives elsewhere gets its plain label."""
    members = list(visible.filter(household=household).order_by("-is_household_head", "pk"))
    head = next((m for m in members if m.is_household_head), None)
    label = household.name or (f"{head.name}户" if head else str(household))
    return label, [m.name for m in members]


def get_household(*, user, pk: int) -> Household:
    """One household in the user's jurisdiction (its region), or 404 as if missing."""
    return get_in_scope(visible(user, "people.Household").select_related("region", "grid"), pk=pk)


def household_timeline(household: Household) -> QuerySet[AuditEvent]:
    """What was done to the household itself (created, renamed, address), newest first; who
    moved in or out is on each person's own timeline."""
    return AuditEvent.objects.filter(object_type="household", object_id=str(household.pk)).order_by("-id")


def household_members(household: Household, *, user) -> list[Person]:
    """The members the user may see, the head first, with their badges."""
    members = people_visible_to(user, scope_filters_only=True).filter(household=household)
    return list(
        with_current_identities(members.select_related("region")).order_by("-is_household_head", "name", "pk")
    )
