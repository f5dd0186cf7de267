"""The hall's writes: 取号 (issue a ticket), signing in to a window, and 叫号 (call, recall, start,
finish, no-show, transfer). Each is atomic and audits once, in the same transaction.

Two clerks must never get the same ticket, so the claim of "call next" is one statement in the
database (claim_next): PostgreSQL locks the chosen row and skips rows another caller holds
(FOR UPDATE SKIP LOCKED); SQLite runs every transaction IMMEDIATE (settings.DATABASES), so one
writer at a time, and the UPDATE is conditional on the row still waiting.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.accounts.roles import ALL_DEPTS, ARMED, VETERANS
from yizhan.audit.services import hold_chain, record
from yizhan.core import crypto, idnumber
from yizhan.core.flow import check_move
from yizhan.core.phone import PhoneError, normalize_phone
from yizhan.core.policy import region_label, require_officer
from yizhan.core.policy_values import policy_value
from yizhan.core.scopes import within
from yizhan.hall import selectors
from yizhan.hall.models import (
    TICKET_ID_CONTEXT,
    TICKET_PHONE_CONTEXT,
    Channel,
    ItemKind,
    Owner,
    PriorityReason,
    ServiceItem,
    ServiceItemOverride,
    Ticket,
    TicketState,
    Window,
    WindowKind,
    WindowSignIn,
)
from yizhan.people.models import ID_CONTEXT, IdentityKind, Person
from yizhan.regions.models import Level, Region, scope_bounds

S = TicketState
# Where a ticket may go next. CALLED → CALLED is a recall.
TICKET_FLOW = {
    S.WAITING: [S.CALLED, S.TRANSFERRED],
    S.CALLED: [S.CALLED, S.SERVING, S.NO_SHOW, S.TRANSFERRED],
    S.SERVING: [S.DONE, S.TRANSFERRED],
}
# The identities that put a visitor in the priority line (优抚对象: 三属, 军属, disabled veterans).
ENTITLED = (
    IdentityKind.BEREAVED_FAMILY,
    IdentityKind.MILITARY_FAMILY,
    IdentityKind.DISABLED_VETERAN,
    IdentityKind.PRIORITY_ENTITLED,
)


def _label(state: str) -> str:
    return TicketState(state).label


def _now() -> datetime.datetime:
    return timezone.now()


# --- 取号 -------------------------------------------------------------------------------------


def window_for(*, station: Region, item: ServiceItem) -> Window:
    """The open window of the station that serves the item with the fewest waiting; a Chinese
    refusal when none does (the kiosk then says to ask at the front desk)."""
    today = timezone.localdate()
    windows = list(station.hall_windows.filter(active=True, items=item).order_by("number"))
    if not windows:
        raise ValidationError({"item": f"本站暂无受理“{item.name}”的窗口，请到前台咨询。"})
    waiting = {
        row["window"]: row["n"]
        for row in Ticket.objects.filter(window__in=windows, day=today, state=S.WAITING)
        .values("window")
        .annotate(n=Count("pk"))
    }
    return min(windows, key=lambda w: (waiting.get(w.pk, 0), w.number))


def _visitor(station: Region, id_number: str, phone: str, today: datetime.date) -> tuple:
    """(normalised id number, birth date, normalised phone, registry person or None). A person is
    linked only within the station's own area: the hall serves everyone, but a ticket never
    reaches into another station's registry."""
    errors: dict[str, str] = {}
    number, born, person = "", None, None
    if id_number.strip():
        try:
            info = idnumber.parse(id_number, today=today)
        except idnumber.IdNumberError as exc:
            errors["id_number"] = str(exc)
        else:
            number, born = info.number, info.birth_date
            person = (
                Person.objects.filter(
                    within("people.Person", [scope_bounds(station.code)]),
                    id_number_bidx=crypto.blind_index(number, context=ID_CONTEXT),
                )
                .prefetch_related("identities")
                .first()
            )
    normal_phone = ""
    if phone.strip():
        try:
            normal_phone = normalize_phone(phone)
        except PhoneError as exc:
            errors["phone"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return number, born, normal_phone, person


def priority_of(
    *,
    station: Region,
    person: Person | None,
    born: datetime.date | None,
    disabled: bool,
    today: datetime.date,
) -> str:
    """The reason a visitor goes in the priority line, or "" (the first that applies)."""
    if born is None and person is not None:
        born = person.birth_date
    if born is not None:
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age >= policy_value("hall.priority_age", region_code=station.code, on=today):
            return PriorityReason.ELDERLY
    if disabled:
        return PriorityReason.DISABLED
    if person is not None:
        held = {
            i.kind
            for i in person.identities.all()
            if i.since <= today and (i.until is None or i.until > today)
        }
        if held & set(ENTITLED):
            return PriorityReason.ENTITLED
    return ""


@transaction.atomic
def issue_ticket(
    *,
    actor: User | None,
    station: Region,
    item: ServiceItem,
    channel: str,
    id_number: str = "",
    phone: str = "",
    disabled: bool = False,
    device_name: str = "",
) -> Ticket:
    """A ticket for the item at the station, numbered by its window's prefix (A001, A002 … each
    day). `actor` is None at a kiosk (the device is named in the audit row instead)."""
    if station.level != Level.TOWNSHIP:
        raise ValidationError("取号只能在乡镇（街道）服务大厅进行。")
    now = _now()
    today = timezone.localdate(now)
    number, born, normal_phone, person = _visitor(station, id_number, phone, today)
    window = window_for(station=station, item=item)
    reason = priority_of(station=station, person=person, born=born, disabled=disabled, today=today)
    # The chain first: two kiosks at one window are ordered by it (as by SQLite's write lock),
    # and no issue holds a row while it queues for the chain (#13's convoy). Holding the chain,
    # it must never wait for a row: it locks none, and its insert's foreign keys (window, item,
    # region, person) only need KEY SHARE, which only a FOR UPDATE blocks — so the services that
    # lock those rows name of=("self",) (_locked here, conscription's record_stage).
    hold_chain()
    seq = _next_seq(window, today)
    ticket = Ticket.objects.create(
        region=station, window=window, item=item, day=today, seq=seq, number=f"{window.prefix}{seq:03d}",
        channel=channel, priority=bool(reason), priority_reason=reason, person=person,
        id_number_enc=crypto.encrypt(number, context=TICKET_ID_CONTEXT) if number else "",
        id_number_bidx=crypto.blind_index(number, context=TICKET_ID_CONTEXT) if number else "",
        phone_enc=crypto.encrypt(normal_phone, context=TICKET_PHONE_CONTEXT) if normal_phone else "",
        phone_bidx=crypto.blind_index(normal_phone, context=TICKET_PHONE_CONTEXT) if normal_phone else "",
        queued_at=now, issued_at=now,
    )  # fmt: skip
    _audit(actor, "hall.ticket.issue", ticket, {
        "事项": item.name,
        "渠道": Channel(channel).label + (f"（{device_name}）" if device_name else ""),
        "优先": PriorityReason(reason).label if reason else "否",
        "关联人员": "是" if person else "否",
    })  # fmt: skip
    return ticket


def _next_seq(window: Window, day: datetime.date) -> int:
    # Called holding the audit chain (issue_ticket), which orders two kiosks issuing at once;
    # the unique constraint is the last guard.
    last = Ticket.objects.filter(window=window, day=day, transferred_from__isnull=True).aggregate(
        m=Max("seq")
    )
    return (last["m"] or 0) + 1


# --- the window -------------------------------------------------------------------------------


def signed_in(*, clerk: User, window: Window, day: datetime.date) -> bool:
    return WindowSignIn.objects.filter(
        window=window, clerk=clerk, day=day, signed_out_at__isnull=True
    ).exists()


# The standard windows of a merged station's hall (秀全街道's): number, kind, prefix, the items each
# serves. A station opens them once; a hall with windows keeps its own.
MILITIA_ITEM = "YZ-A-06"
STANDARD_WINDOWS = [
    (1, WindowKind.CONSCRIPTION, "A", lambda i: i.owner == Owner.ARMED_FORCES and i.code != MILITIA_ITEM),
    (2, WindowKind.MILITIA, "B", lambda i: i.code == MILITIA_ITEM),
    (3, WindowKind.VETERANS, "C", lambda i: i.owner == Owner.VETERANS),
    (4, WindowKind.GENERAL, "D", lambda i: i.owner == Owner.JOINT),
]


@transaction.atomic
def open_standard_windows(*, actor: User | None, station: Region) -> int:
    """Opens the station's hall with the four standard windows; a hall that has windows is left
    as it is (0). How many were opened."""
    if station.level != Level.TOWNSHIP:
        raise ValidationError("服务大厅设在乡镇（街道）。")
    if not selectors.may_open_hall(actor, station):
        raise PermissionDenied("服务大厅窗口由本站站长、副站长或区县业务主管开设。")
    station = Region.objects.select_for_update().get(pk=station.pk)
    if station.hall_windows.exists():
        return 0
    items = list(ServiceItem.objects.all())
    for number, kind, prefix, serves in STANDARD_WINDOWS:
        window = Window.objects.create(region=station, number=number, kind=kind, prefix=prefix)
        window.items.set([item for item in items if serves(item)])
    record(
        actor=actor, action="hall.window.open_standard", object_type="region", object_id=station.pk,
        region_code=station.code, changes={"窗口": len(STANDARD_WINDOWS)},
    )  # fmt: skip
    return len(STANDARD_WINDOWS)


def _window_errors(
    station: Region, window: Window | None, *, number: int, kind: str, prefix: str, items, active: bool
) -> dict[str, str]:
    """What is wrong with a window as typed, field by field, in Chinese."""
    errors: dict[str, str] = {}
    others = Window.objects.filter(region=station).exclude(pk=window.pk if window else None)
    if not 1 <= number <= 99:
        errors["number"] = "窗口号应为 1 到 99 之间的整数。"
    elif taken := others.filter(number=number).first():
        errors["number"] = f"本站已有{taken}，请换一个窗口号。"
    if kind not in WindowKind.values:
        errors["kind"] = "请选择窗口类型。"
    if len(prefix) != 1 or not "A" <= prefix <= "Z":
        errors["prefix"] = "号码字头应为一个大写英文字母（A–Z）。"
    elif taken := others.filter(prefix=prefix).first():
        errors["prefix"] = f"字头“{prefix}”已由{taken}使用。"
    elif window is not None and prefix != window.prefix and _issued_today(window):
        errors["prefix"] = f"今天已按字头“{window.prefix}”取号，请明天再改字头。"
    if active and not items:
        errors["items"] = "启用的窗口至少要受理一个事项。"
    if window is not None and window.active and not active:
        waiting = selectors.queue_of(window).count()
        if waiting:
            errors["active"] = f"该窗口还有 {waiting} 人等候，请先转移到其他窗口再停用。"
    return errors


def _issued_today(window: Window) -> bool:
    return Ticket.objects.filter(window=window, day=timezone.localdate()).exists()


@transaction.atomic
def save_window(
    *,
    actor: User,
    station: Region,
    window: Window | None,
    number: int,
    kind: str,
    prefix: str,
    items: list[ServiceItem],
    active: bool,
) -> Window:
    """Adds a window to the station's hall (window None) or changes one: its number, kind, ticket
    letter, the items it serves and whether it is open. Only the station's own head or clerks."""
    if station.level != Level.TOWNSHIP:
        raise ValidationError("服务大厅设在乡镇（街道）。")
    if not selectors.may_edit_windows(actor, station) or (window and window.region_id != station.code):
        raise PermissionDenied("服务大厅窗口由本站站长、副站长或干事设置。")
    # The station's row orders two editors at once, so number and letter stay unique.
    Region.objects.select_for_update().filter(pk=station.pk).first()
    prefix = prefix.strip().upper()
    errors = _window_errors(
        station, window, number=number, kind=kind, prefix=prefix, items=items, active=active
    )
    if errors:
        raise ValidationError(errors)
    before = _window_facts(window) if window else {}
    if window is None:
        window = Window(region=station)
    window.number, window.kind, window.prefix, window.active = number, kind, prefix, active
    window.save()
    window.items.set(items)
    after = _window_facts(window)
    changes = {label: value for label, value in after.items() if before.get(label) != value}
    if before and not changes:
        return window
    record(
        actor=actor, action="hall.window.update" if before else "hall.window.add", object_type="window",
        object_id=window.pk, region_code=station.code, changes=changes,
    )  # fmt: skip
    return window


def _window_facts(window: Window) -> dict[str, str]:
    return {
        "窗口号": str(window.number),
        "窗口类型": WindowKind(window.kind).label,
        "号码字头": window.prefix,
        "受理事项": "、".join(item.name for item in window.items.order_by("order", "code")) or "无",
        "状态": "启用" if window.active else "停用",
    }


@transaction.atomic
def sign_in(*, actor: User, window: Window) -> WindowSignIn:
    """The clerk sits at this window today; a clerk sits at one window at a time, so his other
    windows of the day are signed out."""
    if not window.active:
        raise ValidationError("该窗口已停用。")
    now = _now()
    today = timezone.localdate(now)
    WindowSignIn.objects.filter(clerk=actor, day=today, signed_out_at__isnull=True).exclude(
        window=window
    ).update(signed_out_at=now)
    row, _ = WindowSignIn.objects.update_or_create(
        window=window, clerk=actor, day=today, defaults={"signed_out_at": None}
    )
    record(
        actor=actor, action="hall.window.sign_in", object_type="window", object_id=window.pk,
        region_code=window.region_id, changes={"窗口": str(window)},
    )  # fmt: skip
    return row


@transaction.atomic
def sign_out(*, actor: User, window: Window) -> None:
    now = _now()
    changed = WindowSignIn.objects.filter(
        window=window, clerk=actor, day=timezone.localdate(now), signed_out_at__isnull=True
    ).update(signed_out_at=now)
    if changed:
        record(
            actor=actor, action="hall.window.sign_out", object_type="window", object_id=window.pk,
            region_code=window.region_id, changes={"窗口": str(window)},
        )  # fmt: skip


def _require_seat(actor: User, window: Window) -> None:
    if not signed_in(clerk=actor, window=window, day=timezone.localdate()):
        raise PermissionDenied(f"请先签到{window}，再叫号。")


# PostgreSQL locks the chosen row and skips rows another caller holds. SQLite has no row locks:
# the immediate transaction holds the write lock from its first statement, and the outer state
# condition repeats the subquery's so a stale choice updates nothing.
_CLAIM = """
UPDATE {table} SET state = %s, call_count = call_count + 1, called_at = %s, last_called_at = %s,
       called_by_id = %s
WHERE id = (
    SELECT id FROM {table}
    WHERE window_id = %s AND day = %s AND state = %s
    ORDER BY priority DESC, queued_at, id
    LIMIT 1 {lock}
) {recheck}
RETURNING id
"""


def claim_next(*, window: Window, clerk: User, now: datetime.datetime) -> int | None:
    """Marks the window's next waiting ticket called, in one statement; its id, or None."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    params = [S.CALLED, now, now, clerk.pk, window.pk, timezone.localdate(now), S.WAITING]
    if connection.vendor == "postgresql":
        sql = _CLAIM.format(table=table, lock="FOR UPDATE SKIP LOCKED", recheck="")
    else:
        sql, params = _CLAIM.format(table=table, lock="", recheck="AND state = %s"), [*params, S.WAITING]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def call_next(*, actor: User, window: Window) -> Ticket | None:
    """The next ticket of the window (priority first, then first come), called; None if nobody waits."""
    _require_seat(actor, window)
    pk = claim_next(window=window, clerk=actor, now=_now())
    if pk is None:
        return None
    ticket = Ticket.objects.select_related("window", "item").get(pk=pk)
    _audit(actor, "hall.ticket.call", ticket, {"窗口": str(window)})
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    """The ticket's row as it is now, locked for this transaction (another clerk may have moved it)."""
    # of=("self",): the ticket's row only — a window row locked here while its holder queues for
    # the chain would block an issue that holds the chain (issue_ticket): a deadlock.
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("window", "item", "region")
        .get(pk=ticket.pk)
    )


def _move(actor: User, ticket: Ticket, to: str) -> Ticket:
    ticket = _locked(ticket)
    _require_seat(actor, ticket.window)
    check_move(TICKET_FLOW, ticket.state, to, label=_label, what=f"{ticket.number}号")
    return ticket


@transaction.atomic
def recall(*, actor: User, ticket: Ticket) -> Ticket:
    ticket = _move(actor, ticket, S.CALLED)
    ticket.call_count += 1
    ticket.last_called_at = _now()
    ticket.save(update_fields=["call_count", "last_called_at"])
    _audit(actor, "hall.ticket.recall", ticket, {"叫号次数": ticket.call_count})
    return ticket


@transaction.atomic
def start_service(*, actor: User, ticket: Ticket) -> Ticket:
    ticket = _move(actor, ticket, S.SERVING)
    ticket.state, ticket.started_at = S.SERVING, _now()
    ticket.save(update_fields=["state", "started_at"])
    _audit(actor, "hall.ticket.start", ticket, {})
    return ticket


@transaction.atomic
def finish_service(*, actor: User, ticket: Ticket) -> Ticket:
    ticket = _move(actor, ticket, S.DONE)
    ticket.state, ticket.finished_at = S.DONE, _now()
    ticket.save(update_fields=["state", "finished_at"])
    _audit(actor, "hall.ticket.finish", ticket, {})
    return ticket


@transaction.atomic
def finish_with_case(*, actor: User | None, ticket: Ticket, case_number: str) -> Ticket:
    """The case opened on the ticket is done (its workflow recorded the fact): the visit is over,
    so its service time ends now — whoever recorded the fact, seated at the window or not."""
    ticket = _locked(ticket)
    if ticket.state in (S.CALLED, S.SERVING):
        ticket.state, ticket.finished_at = S.DONE, _now()
        ticket.save(update_fields=["state", "finished_at"])
        _audit(actor, "hall.ticket.finish", ticket, {"办件": case_number})
    return ticket


@transaction.atomic
def mark_no_show(*, actor: User, ticket: Ticket) -> Ticket:
    """过号: only after the set number of calls (a policy value), so nobody is skipped at once."""
    ticket = _move(actor, ticket, S.NO_SHOW)
    needed = policy_value("hall.no_show_calls", region_code=ticket.region_id, on=ticket.day)
    if ticket.call_count < needed:
        raise ValidationError(f"已叫号 {ticket.call_count} 次，叫满 {needed} 次仍未到才能记为过号。")
    ticket.state, ticket.finished_at = S.NO_SHOW, _now()
    ticket.save(update_fields=["state", "finished_at"])
    _audit(actor, "hall.ticket.no_show", ticket, {"叫号次数": ticket.call_count})
    return ticket


@transaction.atomic
def transfer(*, actor: User, ticket: Ticket, to_window: Window, note: str) -> Ticket:
    """Sends the visitor to another window of the station with a note; his slip's number stays,
    and he keeps his place by the time he first queued. Returns the new window's ticket."""
    ticket = _move(actor, ticket, S.TRANSFERRED)
    errors = {}
    if to_window.region_id != ticket.region_id or to_window.pk == ticket.window_id or not to_window.active:
        errors["to_window"] = "请选择本站的另一个在用窗口。"
    if not note.strip():
        errors["note"] = "请填写转移说明，告诉下一个窗口要办什么。"
    if errors:
        raise ValidationError(errors)
    now = _now()
    ticket.state, ticket.finished_at, ticket.transfer_note = S.TRANSFERRED, now, note.strip()
    ticket.save(update_fields=["state", "finished_at", "transfer_note"])
    moved = Ticket.objects.create(
        region_id=ticket.region_id, window=to_window, item=ticket.item, day=ticket.day, seq=ticket.seq,
        number=ticket.number, channel=Channel.TRANSFER, priority=ticket.priority,
        priority_reason=ticket.priority_reason, person=ticket.person, id_number_enc=ticket.id_number_enc,
        id_number_bidx=ticket.id_number_bidx, phone_enc=ticket.phone_enc, phone_bidx=ticket.phone_bidx,
        queued_at=ticket.queued_at, issued_at=now, transferred_from=ticket, transfer_note=note.strip(),
    )  # fmt: skip
    _audit(actor, "hall.ticket.transfer", ticket, {"转至": str(to_window), "说明": note.strip()})
    return moved


def _audit(actor: User | None, action: str, ticket: Ticket, changes: dict) -> None:
    record(
        actor=actor, action=action, object_type="ticket", object_id=ticket.pk, region_code=ticket.region_id,
        changes={"号码": ticket.number, **changes},
    )  # fmt: skip


# --- the catalog, per county ------------------------------------------------------------------

OWNER_DEPARTMENTS = {Owner.ARMED_FORCES: ARMED, Owner.VETERANS: VETERANS, Owner.JOINT: ALL_DEPTS}


@transaction.atomic
def set_override(
    *,
    actor: User | None,
    item: ServiceItem,
    region_code: str,
    offered: bool,
    promised_days: int | None,
    visits: int | None,
    legal_basis: str,
    note: str,
    reason: str,
) -> ServiceItemOverride:
    """A county's (city's, province's) own settings of a national item; only an officer at or
    above the region may set them (core.policy), with a reason."""
    require_officer(
        actor, region_code, departments=OWNER_DEPARTMENTS[item.owner], what=f"服务事项“{item.name}”"
    )
    errors = {}
    if not reason.strip():
        errors["reason"] = "请填写修改原因。"
    if promised_days and item.kind == ItemKind.IMMEDIATE:
        errors["promised_days"] = "即办件当场办结，没有承诺时限。"
    if errors:
        raise ValidationError(errors)
    row, _ = ServiceItemOverride.objects.update_or_create(
        item=item, region_code=region_code,
        defaults=dict(
            offered=offered, promised_days=promised_days, visits=visits, legal_basis=legal_basis.strip(),
            note=note.strip(), changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
    )  # fmt: skip
    record(
        actor=actor, action="hall.item.override", object_type="service_item", object_id=item.code,
        region_code=region_code, reason=reason.strip(),
        changes={
            "事项": item.name, "地区": region_label(region_code), "本地受理": "是" if offered else "否",
            "承诺时限": f"{promised_days} 个工作日" if promised_days else "沿用全国清单",
            "到现场次数": "沿用全国清单" if visits is None else f"{visits} 次",
        },
    )  # fmt: skip
    return row
