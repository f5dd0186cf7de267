"""Who may export which ledger for which region, and the audited export and print themselves."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from yizhan.accounts.models import Post
from yizhan.accounts.reveal import full_values
from yizhan.accounts.roles import Department, Perm, Role
from yizhan.audit.services import record
from yizhan.core.scopes import scoped
from yizhan.core.scoping import get_in_scope
from yizhan.core.sheets import printed_text
from yizhan.ledgers.exports.registry import LEDGERS, Ledger
from yizhan.ledgers.exports.writer import write_ledger_xlsx
from yizhan.regions.models import Level, Region

# Above this many rows a roster is not printed: a 200-page roster is a file to send, not a document
# to print. (Exports above runs.BACKGROUND_ABOVE rows are written by the worker.)
LARGE = 5000
CHUNK = 2000


@dataclass
class SystemExporter:
    """The command line without --user: sees one region as its station would, may export, and
    never reveals personal numbers. Audit rows name no user (actor=None), as for other system work.

    It carries a post of both departments, never saved, so selectors that ask for a 武装部 post
    (the conscription ledgers) answer it like a station's."""

    region: Region
    is_authenticated: bool = False
    active_posts: list[Post] = field(init=False)
    scope_bounds: list[tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.active_posts = [Post(role=Role.STATION_CLERK, department=Department.BOTH, region=self.region)]
        self.scope_bounds = [self.region.bounds]

    def can(self, perm: str) -> bool:
        return perm in {Perm.VIEW_PEOPLE, Perm.EXPORT}

    def __str__(self) -> str:
        return "系统"


def may_export(user, ledger: Ledger) -> bool:
    if not user.can(Perm.EXPORT):
        return False
    if ledger.departments is None:
        return True
    return any(post.department in ledger.departments for post in user.active_posts)


def ledgers_for(user) -> list[Ledger]:
    return [ledger for ledger in LEDGERS.values() if may_export(user, ledger)]


def regions_in_scope(user) -> QuerySet[Region]:
    return Region.objects.filter(scoped(user, "regions.Region"))


def export_regions(user) -> list[Region]:
    """The regions offered in the export form. A county or wider post is offered townships, not
    its hundreds of villages; the roster's village column tells them apart."""
    # The full names walk up to four parents: fetched with the region, not one query each.
    regions = regions_in_scope(user).select_related("parent__parent__parent__parent").order_by("code")
    if any(post.region.level in (Level.PROVINCE, Level.CITY, Level.COUNTY) for post in _posts(user)):
        regions = regions.exclude(level=Level.VILLAGE)
    return list(regions)


def default_region(user) -> Region | None:
    posts = _posts(user)
    return posts[0].region if posts else None


def region_in_scope(user, code: str) -> Region:
    """The region, or 404 alike for a missing code and for one outside the user's jurisdiction."""
    return get_in_scope(regions_in_scope(user), code=code)


def _posts(user) -> list[Post]:
    return [post for post in user.active_posts if post.region_id and post.role != Role.SYSADMIN]


def place_name(region: Region) -> str:
    """德城区新湖街道: the county and what lies below it (the city and province go without saying)."""
    local = [
        r.name
        for r in [*region.ancestors(), region]
        if r.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
    ]
    return "".join(local) or region.name


def effective_year(ledger: Ledger, year: int | None) -> int | None:
    if not ledger.year_label:
        return None
    return year or (timezone.localdate().year if ledger.year_required else None)


def title_of(ledger: Ledger, region: Region, year: int | None) -> str:
    return f"{place_name(region)}{f'{year}年' if year else ''}{ledger.name}"


def rows_of(*, user, ledger: Ledger, region: Region, year: int | None) -> QuerySet | list:
    """The ledger's rows for the region, read as `user` (404 if the region is not his)."""
    if not may_export(user, ledger):
        raise PermissionDenied("您的岗位没有导出此台账的权限。")
    region_in_scope(user, region.code)
    return ledger.rows(user, region, effective_year(ledger, year))


def count(rows: QuerySet | list) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def _each(rows: QuerySet | list):
    return rows.iterator(chunk_size=CHUNK) if isinstance(rows, QuerySet) else iter(rows)


@dataclass
class Export:
    title: str
    rows: int
    full: bool
    year: int | None = None


# progress(done, total): told every PROGRESS_EVERY rows written (and once before the first).
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500


def export_ledger(
    *, actor, ledger: Ledger, region: Region, year: int | None, target: str | IO[bytes], reason: str = "",
    full: bool = False,
) -> Export:  # fmt: skip
    """Writes the ledger as xlsx to `target`: the actor's rows only, personal numbers masked unless
    he asked for them in full (accounts.reveal). Audited once the file is complete, with the row
    count and the purpose."""
    full = full_values(actor, requested=full, purpose=reason)
    export = write_export(actor=actor, ledger=ledger, region=region, year=year, target=target, full=full)
    audit_export(actor=actor, ledger=ledger, region=region, export=export, reason=reason)
    return export


def write_export(
    *,
    actor,
    ledger: Ledger,
    region: Region,
    year: int | None,
    target: str | IO[bytes],
    full: bool,
    progress: Progress | None = None,
) -> Export:
    """The file alone, unaudited: export_ledger, and the background run that audits it in the
    transaction marking the run done (runs.execute_export). `full` was settled by the caller
    through accounts.reveal; the permission is asked again here, for a run queued long ago."""
    rows = rows_of(user=actor, ledger=ledger, region=region, year=year)
    year = effective_year(ledger, year)
    if full and not actor.can(Perm.REVEAL_PII):
        raise PermissionDenied("您的岗位不能导出或打印完整号码。")
    title = title_of(ledger, region, year)
    numbered = enumerate(_each(rows), start=1)
    if progress is not None:
        numbered = _reporting(numbered, progress, total=count(rows))
    written = write_ledger_xlsx(
        target,
        title=title,
        unit=region.full_name,
        on=timezone.localdate(),
        headers=ledger.headers,
        widths=ledger.widths,
        rows=([n, *ledger.values(row, full=full)] for n, row in numbered),
    )
    return Export(title=title, rows=written, full=full, year=year)


def _reporting(numbered: Iterator[tuple[int, Any]], progress: Progress, *, total: int):
    progress(0, total)
    for n, row in numbered:
        yield n, row
        # Back here once the writer asked for the next row: row n is written.
        if n % PROGRESS_EVERY == 0:
            progress(n, total)


def audit_export(*, actor, ledger: Ledger, region: Region, export: Export, reason: str) -> None:
    _audit(actor, "export", ledger, region, export.year, export.rows, export.full, reason)


@dataclass
class Roster:
    """A ledger laid out for printing: groups of rows (one per household where the ledger groups)."""

    title: str
    unit: str
    headers: list[str]
    groups: list[list[list[Any]]]
    rows: int
    full: bool
    on: datetime.date
    grouped: bool


class TooLargeToPrint(Exception):
    def __init__(self, rows: int) -> None:
        super().__init__(f"共 {rows} 行，超过 {LARGE} 行的台账请导出 Excel，或选择更小的区域。")
        self.rows = rows


def print_roster(
    *, actor, ledger: Ledger, region: Region, year: int | None, full: bool = False, reason: str = ""
) -> Roster:
    """The roster to print (audited as a print, with the purpose). Masked unless asked for in full
    (accounts.reveal). A ledger over LARGE rows is refused before anything is read or recorded."""
    full = full_values(actor, requested=full, purpose=reason)
    rows = rows_of(user=actor, ledger=ledger, region=region, year=year)
    total = count(rows)
    if total > LARGE:
        raise TooLargeToPrint(total)
    year = effective_year(ledger, year)
    groups: list[list[list[Any]]] = []
    last_key: object = object()
    for n, row in enumerate(_each(rows), start=1):
        key = ledger.group(row) if ledger.group else None
        if not groups or key != last_key:
            groups.append([])
            last_key = key
        groups[-1].append([n, *(printed_text(v) for v in ledger.values(row, full=full))])
    written = sum(len(g) for g in groups)
    _audit(actor, "print", ledger, region, year, written, full, reason)
    return Roster(
        title=title_of(ledger, region, year),
        unit=region.full_name,
        headers=ledger.headers,
        groups=groups,
        rows=written,
        full=full,
        on=timezone.localdate(),
        grouped=ledger.group is not None,
    )


def _audit(
    actor, action: str, ledger: Ledger, region: Region, year, rows: int, full: bool, reason: str
) -> None:
    changes: dict[str, Any] = {"ledger": ledger.name, "rows": rows, "full": full}
    if year:
        changes["year"] = year
    record(
        actor=actor,
        action=action,
        object_type="ledger",
        object_id=ledger.slug,
        region_code=region.code,
        changes=changes,
        reason=reason,
    )
