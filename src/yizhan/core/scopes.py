"""SCOPES: for every model that carries or names a person, a household or a region, how a user's
jurisdiction reaches it — the one table every selector, list, count, export, prefetch, API call
and background job starts from (`scoped`), as lifecycle/rules.py is for consequences.

Read it top to bottom: each entry is one sentence of law or practice. Models are named by
"app.Model" strings, so this module imports nothing from the apps above core. A test
(tests/core/test_scopes.py) fails when a model with a person, household or region foreign key,
or a region code field, is missing here.

The ways jurisdiction reaches a row:
- person(path): the person's *current* region, through a join (merged duplicates left out);
  several paths must all be visible (a relation shows two people).
- household(path): the household's region.
- subject(): the work follows its subject — the task's person if set, else its household, else
  the row's own region code (region-level work such as a campaign's).
- own(field): region-owned rows that stay with their region by law, wherever the people in them
  move later. Rows under the user's regions.
- covering(field): rows of a region the user works in or above — the national default ("")
  included — and rows under his regions: a township station works in its county's intake and
  reads the policies that govern it (core.policy: the most specific applies).
- through(path, "app.Model"): the scope of the row that `path` leads to.
- kept(field): a copy of the person's *current* region ("" once he is merged away), kept in
  step by the database in the same transaction as every move (core/derived.py) — the person's
  scope without the join; like person(), it needs the right to see people.
- unscoped(why): deliberately outside jurisdiction; the reason says why.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet

from yizhan.accounts.roles import Perm
from yizhan.regions.models import PREFIX_LENGTH, level_of

PERSON, HOUSEHOLD, SUBJECT, OWN, COVERING, THROUGH, UNSCOPED, KEPT = (
    "person", "household", "subject", "own", "covering", "through", "unscoped", "kept",
)  # fmt: skip
NATIONAL = ""  # the region code of a national default (core.policy)


@dataclass(frozen=True)
class Scope:
    how: str
    paths: tuple[str, ...] = ()
    target: str = ""  # THROUGH: the model whose scope applies at the path
    why: str = ""


def person(*paths: str) -> Scope:
    return Scope(PERSON, paths or ("person",))


def household(path: str = "household") -> Scope:
    return Scope(HOUSEHOLD, (path,))


def subject() -> Scope:
    return Scope(SUBJECT, ("person", "household", "region_code"))


def own(field: str, *, why: str) -> Scope:
    return Scope(OWN, (field,), why=why)


def covering(field: str, *, why: str) -> Scope:
    return Scope(COVERING, (field,), why=why)


def kept(field: str, *, why: str) -> Scope:
    return Scope(KEPT, (field,), why=why)


def through(path: str, target: str) -> Scope:
    return Scope(THROUGH, (path,), target=target)


def unscoped(*, why: str) -> Scope:
    return Scope(UNSCOPED, why=why)


SELF = ""  # the path of a row to itself (people.Person is scoped by its own region)

SCOPES: dict[str, Scope] = {
    # --- the registry -----------------------------------------------------------------------
    "people.Person": person(SELF),
    "people.Household": household(SELF),
    # A relation names two people: shown only when both are in jurisdiction.
    "people.Relation": person("person", "relative"),
    "people.Identity": person("person"),
    "people.ServiceRecord": person("person"),
    "people.Award": person("person"),
    "people.Document": person("person"),
    "people.IdentityTally": kept(
        "region_code", why="the tally of a village's identities is filed under its persons' current region"
    ),
    "regions.Region": own("code", why="a region is its own jurisdiction"),
    "regions.Grid": own("village_id", why="a grid lies in its village"),
    "accounts.Post": own(
        "region_id",
        why="a post serves its region: the county officer and the station head who manage posts "
        "(accounts.authority) see those under their region; administrators see every post",
    ),
    "accounts.User": unscoped(
        why="an account is reached through its posts (accounts.Post); the registry person it is "
        "linked to is shown only to those who see that person"
    ),
    "accounts.Device": own("region_id", why="a kiosk or screen belongs to the station it was issued for"),
    "accounts.ActiveSession": own(
        "region_code",
        why="在线用户: a session is filed under its user's region at login; an administrator's carries "
        "none and is seen by administrators only (accounts.sessions)",
    ),
    "audit.AuditEvent": own(
        "region_code",
        why="the trail stays with the region where the act was done; system events carry no "
        "region and are shown to administrators only (desk/selectors.py)",
    ),
    # --- work follows the person ------------------------------------------------------------
    # A task is seen by the station of its subject's *current* region: when a person moves, the
    # new station sees his work and the old one no longer does (Task.region_code is kept only
    # for region-level tasks and as the region at creation).
    "worklist.Task": subject(),
    "lifecycle.DomainEvent": person("person"),
    "care.MeritNoticeDelivery": person("person"),
    "care.GiftPackDelivery": person("person"),
    "care.CondolenceVisit": person("person"),
    "care.VisitCampaign": covering(
        "region_id",
        why="a county's 走访慰问 campaign is worked by every station under it, a township's by its own",
    ),
    "care.CampaignGroup": through("campaign", "care.VisitCampaign"),
    "care.CampaignRun": through("campaign", "care.VisitCampaign"),
    "care.CampaignVisit": kept(
        "region_code",
        why="a visit is seen where its person now lives: coverage counts from the visit's own index "
        "instead of a person lookup per visit (docs/benchmarks.md)",
    ),
    "care.CoverageTally": kept(
        "region_code", why="the coverage tally is filed under its visits' kept region, as they are"
    ),
    "care.ContactLog": person("person"),
    # --- 兵役登记 and 征兵 ----------------------------------------------------------------------
    "conscription.Registration": person("person"),
    "conscription.Verification": through("registration", "conscription.Registration"),
    "conscription.Campaign": covering(
        "county_id", why="征兵 is organised by the county: every station of the county works in its intake"
    ),
    "conscription.TownshipQuota": own("township_id", why="the county assigns each township its own task"),
    "conscription.Candidate": own(
        "region_code",
        why="a candidacy stays with the 户籍 region where he applied (the county that recruits "
        "him), even if he moves during the campaign",
    ),
    "conscription.StageResult": through("candidate", "conscription.Candidate"),
    "conscription.RegistrationYear": covering(
        "region_code", why='a county, city or province sets its registration settings; "" is national'
    ),
    # --- veterans ---------------------------------------------------------------------------
    "veterans.Checkin": person("person"),
    "veterans.ProfileRecord": person("person"),
    "veterans.YearlyConfirmation": through("profile", "veterans.ProfileRecord"),
    "veterans.EmploymentService": person("person"),
    "veterans.AssistanceCase": person("person"),
    "veterans.PreferentialCard": kept(
        "region_code",
        why="a card is seen where its holder now lives: 统计 counts the year's cards from the card's "
        "own index instead of a person lookup per card (docs/benchmarks.md)",
    ),
    "veterans.CardStep": kept(
        "region_code",
        why="a stay of a card is seen where the card's holder now lives: 统计 averages the year's "
        "stays from their own index, without joining card and person per stay",
    ),
    # --- benefits ---------------------------------------------------------------------------
    "benefits.AllowanceRate": covering(
        "region_code", why="a province (or a city, a county) sets the 优待金 standard; its stations read it"
    ),
    "core.PolicyValue": covering(
        "region_code",
        why="a county, city or province sets its own rule values (参数设置); the most specific applies",
    ),
    "benefits.BonusRate": covering(
        "region_code", why="a locality sets its 奖励金 table; the most specific applies"
    ),
    "benefits.AllowancePeriod": own(
        "region_code",
        why="优待金 is paid by the county of enlistment (入伍地) for the whole service, wherever "
        "the family later lives",
    ),
    "benefits.AllowancePayment": own("region_code", why="as its period: the county of enlistment pays"),
    "benefits.PaymentBatch": covering(
        "county_code", why="a county's veterans office pays; its stations see their rows of the batch"
    ),
    "benefits.AllowanceRecipient": person("servicemember"),
    "benefits.BonusEntitlement": person("person"),
    "benefits.HonorPlaque": household("household"),
    # --- 服务大厅 ------------------------------------------------------------------------------
    "hall.ServiceItem": unscoped(why="the 事项清单 is national (DOMAIN.md); counties adjust it by override"),
    "hall.ServiceItemOverride": covering(
        "region_code",
        why="a county (or city, province) adjusts an item for its stations; the most specific applies",
    ),
    "hall.Window": own("region_id", why="a window is part of its station's hall"),
    "hall.WindowSignIn": through("window", "hall.Window"),
    # A visitor from another township is still served at this hall: the ticket is the station's.
    "hall.Ticket": own(
        "region_id", why="a ticket is a visit to the station's hall, wherever its visitor lives"
    ),
    "hall.ServiceCase": own("region_id", why="a case is handled by the station whose window accepted it"),
    "hall.CaseMaterial": through("case", "hall.ServiceCase"),
    "hall.CaseStep": through("case", "hall.ServiceCase"),
    "hall.Rating": through("case", "hall.ServiceCase"),
    "hall.Rectification": through("rating", "hall.Rating"),
    # --- 民兵整组 and 应急装备 ------------------------------------------------------------------
    "militia.Unit": own("township_id", why="a militia unit (连/排/班) is organised by its township"),
    # A member moving away leaves his old township's roster (the new station sees him).
    "militia.Membership": person("person"),
    "militia.Equipment": own("township_id", why="应急装备 is kept by the station that holds it"),
    "militia.Inspection": through("equipment", "militia.Equipment"),
    # --- 服务阵地: teams, joint activities, honors, archives --------------------------------------
    "station.Team": own("township_id", why="a team (驻军官兵, 志愿者, 老班长) is the station's own"),
    "station.TeamMember": person("person"),
    "station.ServiceHours": person("person"),
    "station.JointActivity": own(
        "township_id", why="an activity was held by its township's station, whoever took part"
    ),
    "station.ActivitySchool": through("activity", "station.JointActivity"),
    "station.ActivityPhoto": through("activity", "station.JointActivity"),
    "station.HonorEntry": person("person"),
    "station.ArchiveFile": person("person"),
    "station.ArchiveLoan": through("archive", "station.ArchiveFile"),
    # --- ledgers: files belong to the region they were imported into or exported for --------
    "ledgers.ImportRun": own("region_id", why="an imported file belongs to the region it was imported into"),
    "ledgers.ImportRunRow": through("run", "ledgers.ImportRun"),
    "ledgers.MappingTemplate": own("region_id", why="a station's column mapping is its own"),
    "ledgers.HouseholdKey": own("region_id", why="a household key is unique within its region's files"),
    "ledgers.ExportRun": own("region_id", why="an export is of one region; its file stays with it"),
}


# --- building the filter ------------------------------------------------------------------


def scoped(user, label: str, *, outside_index: bool = False) -> Q:
    """Q limiting `label`'s rows to the user's jurisdiction (nothing for a user without a region
    post). `outside_index`: another index (name, pinyin) leads the query and the scope only
    filters what it finds."""
    return within(label, _bounds(user), user=user, outside_index=outside_index)


def visible(user, label: str) -> QuerySet:
    """The rows of `label` the user may see."""
    return apps.get_model(label).objects.filter(scoped(user, label))


def reach(user, label: str, path: str) -> Q:
    """`label`'s scope applied through a relation of another model (`path`, e.g. "relative"), as a
    join — preferred to `path__in=<every visible row>` (docs/benchmarks.md)."""
    return _q(SCOPES[label], _bounds(user), f"{path}__", user=user, outside_index=False)


def within(label: str, bounds: list[tuple[str, str]], *, user=None, outside_index: bool = False) -> Q:
    """Q limiting `label`'s rows to explicit code ranges (one post's, one chosen region's).
    With `user`, rows carrying personal data also need his right to see people."""
    return _q(SCOPES[label], bounds, "", user=user, outside_index=outside_index)


def region_of(obj, label: str) -> str:
    """The 12-digit code (or code prefix) that decides who sees this row, by the same table."""
    scope = SCOPES[label]
    if scope.how == THROUGH:
        return region_of(_follow(obj, scope.paths[0]), scope.target)
    if scope.how == SUBJECT:
        if obj.person_id:
            return obj.person.region_id
        return obj.household.region_id if obj.household_id else obj.region_code
    if scope.how in (PERSON, HOUSEHOLD):
        return _follow(obj, scope.paths[0]).region_id
    if scope.how == UNSCOPED:
        raise ValueError(f"{label} is unscoped: {scope.why}")
    return _follow(obj, scope.paths[0])


def covers(bounds: list[tuple[str, str]], code: str) -> bool:
    return any(lo <= code < hi for lo, hi in bounds)


# --- internals ----------------------------------------------------------------------------

NOTHING = Q(pk__in=[])


def _bounds(user) -> list[tuple[str, str]]:
    return getattr(user, "scope_bounds", None) or []


def _follow(obj, path: str):
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name)
    return obj


def _field(base: str, path: str, name: str) -> str:
    return base + (f"{path}__{name}" if path else name)


def _range(field: str, bounds, outside_index: bool = False) -> Q:
    gte, lt = ("gte_outside_index", "lt_outside_index") if outside_index else ("gte", "lt")
    return functools.reduce(
        operator.or_, (Q(**{f"{field}__{gte}": lo, f"{field}__{lt}": hi}) for lo, hi in bounds), NOTHING
    )


def _prefixes(code: str) -> list[str]:
    """The significant prefixes of a code at its level and every level above ("37", "3714", …)."""
    own_length = PREFIX_LENGTH[level_of(code)]
    return [code[:n] for n in PREFIX_LENGTH.values() if n <= own_length]


def _covering(field: str, bounds) -> Q:
    if not bounds:
        return NOTHING
    above = {NATIONAL} | {p.ljust(12, "0") for lo, _ in bounds for p in _prefixes(lo)}
    return _range(field, bounds) | Q(**{f"{field}__in": sorted(above)})


def _q(scope: Scope, bounds, base: str, *, user, outside_index: bool) -> Q:
    if not bounds:
        return NOTHING
    how = scope.how
    if how in (PERSON, HOUSEHOLD, KEPT) and user is not None and not user.can(Perm.VIEW_PEOPLE):
        return NOTHING
    if how == PERSON:
        return functools.reduce(
            operator.and_,
            (
                _range(_field(base, path, "region_id"), bounds, outside_index)
                & Q(**{_field(base, path, "merged_into__isnull"): True})
                for path in scope.paths
            ),
        )
    if how == HOUSEHOLD:
        return _range(_field(base, scope.paths[0], "region_id"), bounds, outside_index)
    if how == SUBJECT:
        person_, household_, own_ = (base + name for name in scope.paths)
        return (
            (Q(**{f"{person_}__isnull": False}) & _range(f"{person_}__region_id", bounds))
            | (
                Q(**{f"{person_}__isnull": True, f"{household_}__isnull": False})
                & _range(f"{household_}__region_id", bounds)
            )
            | (Q(**{f"{person_}__isnull": True, f"{household_}__isnull": True}) & _range(own_, bounds))
        )
    if how in (OWN, KEPT):
        return _range(base + scope.paths[0], bounds, outside_index)
    if how == COVERING:
        return _covering(base + scope.paths[0], bounds)
    if how == THROUGH:
        return _q(
            SCOPES[scope.target], bounds, f"{base}{scope.paths[0]}__", user=user, outside_index=outside_index
        )
    raise ValueError(f"unscoped model asked for its scope: {scope.why}")
