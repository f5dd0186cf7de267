"""Every write on the registry: atomic, validated with Chinese messages, audited in the same
transaction with personal values masked."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yizhan import bulk
from yizhan.accounts.models import User
from yizhan.accounts.roles import Perm
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import append_events, canonical_json, record
from yizhan.core import crypto, files, filetypes, idnumber
from yizhan.core.dates import check_date, check_enlistment_age, date_problem, planning_limit
from yizhan.core.masking import mask_id_number, mask_phone
from yizhan.core.phone import PhoneError, normalize_phone
from yizhan.core.pinyin import name_keys
from yizhan.people.models import (
    ID_CONTEXT,
    INVERSE_RELATION,
    PHONE_CONTEXT,
    Award,
    Document,
    Household,
    Identity,
    IdentityKind,
    Person,
    Relation,
    RelationKind,
    ServiceRecord,
)
from yizhan.regions.models import Grid, Level, Region
from yizhan.text import name_problem
from yizhan.worklist.models import Task
from yizhan.worklist.services import follow_grid

# The fields a clerk edits on the person form, in form order.
EDITABLE = [
    "name", "sex", "birth_date", "ethnicity", "id_number", "phone", "region", "address",
    "education", "political_status", "notes", "dependent_adult",
]  # fmt: skip
SENSITIVE = {"id_number": mask_id_number, "phone": mask_phone}


class DuplicatePerson(Exception):
    """The ID number is already registered; `existing` is set when the caller may see that record."""

    def __init__(self, existing: Person | None):
        self.existing = existing
        super().__init__(
            "该身份证号已登记。" + ("" if existing else "该人员不在您的管辖范围内，请联系其户籍地服务站。")
        )


@dataclass
class StaleEdit(Exception):
    """Someone saved the person after the form was opened; nothing was written."""

    current: Person
    since: list[AuditEvent]

    def __str__(self) -> str:
        return "保存失败：打开表单后，此人信息已被他人修改。"


def _display(field: str, value) -> str:
    """How a value appears in the audit trail: personal values masked."""
    if value is None or value == "":
        return ""
    if field in SENSITIVE:
        return SENSITIVE[field](str(value))
    if isinstance(value, Region):
        return f"{value.code} {value.name}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _clean(values: dict, *, today: datetime.date | None = None) -> dict:
    """Normalises and checks a set of person fields; raises ValidationError({field: message}).
    `today`: the day the checks count as today, when the caller has it (the import, once a run)."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "name" in values:
        name = " ".join(str(values["name"]).split())
        if not name:
            errors["name"] = "请填写姓名。"
        elif problem := name_problem(name, label="姓名"):
            errors["name"] = problem
        cleaned["name"] = name
    if values.get("id_number"):
        try:
            # The ledger import hands over the number it has already parsed: parsed once a row.
            raw = values["id_number"]
            info = raw if isinstance(raw, idnumber.IdInfo) else idnumber.parse(raw)
        except idnumber.IdNumberError as exc:
            errors["id_number"] = str(exc)
        else:
            cleaned["id_number"] = info.number
            typed_sex, typed_birth = values.get("sex") or None, values.get("birth_date") or None
            for field, check in (("sex", {"sex": typed_sex}), ("birth_date", {"birth_date": typed_birth})):
                problems = idnumber.cross_check(info, **check)
                if problems:
                    errors[field] = problems[0]
            cleaned["sex"] = typed_sex or info.sex
            cleaned["birth_date"] = typed_birth or info.birth_date
            cleaned["birthplace_code"] = info.area_code
    if cleaned.get("birth_date") and "birth_date" not in errors:
        problem = date_problem(cleaned["birth_date"], latest=today)
        if problem:
            errors["birth_date"] = problem.replace("日期", "出生日期", 1)
    if values.get("phone"):
        try:
            cleaned["phone"] = normalize_phone(values["phone"])
        except PhoneError as exc:
            errors["phone"] = str(exc)
    if "region" in values:
        region = values["region"]
        if region is None:
            errors["region"] = "请选择户籍所在村（社区）。"
        elif region.level not in {Level.VILLAGE, Level.TOWNSHIP}:
            errors["region"] = "户籍地须为村（社区），或暂不清楚村时为乡镇（街道）。"
    if "sex" in values and not cleaned.get("sex"):
        errors["sex"] = "请选择性别。"
    if errors:
        raise ValidationError(errors)
    return cleaned


def _apply(person: Person, cleaned: dict) -> dict[str, list[str]]:
    """Sets cleaned values on the instance; returns {field: [before, after]} for the audit trail."""
    changes: dict[str, list[str]] = {}
    for field, value in cleaned.items():
        if field == "id_number":
            before = person.id_number
            if value != before:
                person.id_number_enc = crypto.encrypt(value, context=ID_CONTEXT) if value else ""
                person.id_number_bidx = crypto.blind_index(value, context=ID_CONTEXT) if value else None
                changes[field] = [_display(field, before), _display(field, value)]
        elif field == "phone":
            before = person.phone
            if value != before:
                person.phone_enc = crypto.encrypt(value, context=PHONE_CONTEXT) if value else ""
                person.phone_bidx = crypto.blind_index(value, context=PHONE_CONTEXT) if value else ""
                changes[field] = [_display(field, before), _display(field, value)]
        else:
            before = getattr(person, field, None)  # None for a new person's unset region
            if before != value:
                setattr(person, field, value)
                if field != "birthplace_code":
                    changes[field] = [_display(field, before), _display(field, value)]
    if "name" in changes:
        person.name_pinyin, person.name_initials = name_keys(person.name)
    return changes


def audit_person(
    actor,
    action: str,
    person: Person,
    changes: dict | None = None,
    *,
    reason: str = "",
    region_code: str | None = None,
    view: bool = False,
) -> AuditEvent:
    """THE audit row of a change to a person, for every app: filed on his timeline (object_type
    "person") under his current region, or `region_code` when the fact stays with the region that
    recorded it (a care record stays with its station). `view`: a read, not a change
    (audit.services.record)."""
    return record(
        actor=actor,
        action=action,
        object_type="person",
        object_id=person.pk,
        region_code=person.region_id if region_code is None else region_code,
        changes=changes or {},
        reason=reason,
        view=view,
    )


def _new_fields(
    values: dict, *, id_bidx: str | None, today: datetime.date | None = None
) -> tuple[dict, dict[str, list[str]]]:
    """A new person's validated, encrypted field values (by model field name) and his audit
    changes: what _apply would set and report on a fresh Person, without building one. Values
    equal to the field's default are left to the default and not reported. `id_bidx` is the ID
    number's blind index when the caller has computed it already."""
    unknown = set(values) - set(EDITABLE) - {"household", "is_household_head"}
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    fields: dict = {}
    changes: dict[str, list[str]] = {}
    for field, value in _clean(values, today=today).items():
        if field in ("id_number", "phone"):
            if value:
                context = ID_CONTEXT if field == "id_number" else PHONE_CONTEXT
                fields[f"{field}_enc"] = crypto.encrypt(value, context=context)
                fields[f"{field}_bidx"] = (
                    id_bidx
                    if field == "id_number" and id_bidx
                    else crypto.blind_index(value, context=context)
                )
                changes[field] = ["", _display(field, value)]
            continue
        default = _DEFAULTS.get(field)
        if value != default:
            fields[field] = value
            if field != "birthplace_code":
                # Most values are text and most defaults empty: shown as they are (_display's rule).
                before = "" if default is None or default == "" else _display(field, default)
                after = value if type(value) is str and field not in SENSITIVE else _display(field, value)
                changes[field] = [before, after]
    if "name" in changes:
        fields["name_pinyin"], fields["name_initials"] = name_keys(fields["name"])
    return fields, changes


# What a fresh Person holds before a field is set (a relation: None).
_DEFAULTS = {f.name: (None if f.is_relation else f.get_default()) for f in Person._meta.concrete_fields}


def prepare_person(*, actor, **values) -> tuple[Person, dict[str, list[str]]]:
    """A validated, encrypted, unsaved Person and its audit changes — for create_person and the
    bulk paths that save model instances (demo data, the benchmark's registry)."""
    fields, changes = _new_fields(values, id_bidx=None)
    created_by = actor if actor and actor.is_authenticated else None
    return Person(created_by=created_by, updated_by=created_by, **fields), changes


class NewPerson:
    """A validated, encrypted new person as the values of his insert row, for create_people (the
    ledger import): no model instance per row, and everything a worker process can compute
    computed where he is prepared (ledgers.importing.parallel). The caller may set household_id
    and is_household_head; create_people sets id. His region travels as its code: a Region
    instance would cost the importer an unpickled model a row."""

    __slots__ = ("bidx", "changes_json", "household_id", "id", "is_household_head", "region_code", "values")

    def __init__(self, fields: dict, changes: dict[str, list[str]]):
        self.region_code: str = fields["region"].code
        self.bidx: str | None = fields.get("id_number_bidx")
        row = {**_ROW_DEFAULTS, **fields, "region_id": self.region_code}
        # ISO text: what SQLite stores and what PostgreSQL's COPY reads (no connection asked a row).
        row["birth_date"] = row["birth_date"] and row["birth_date"].isoformat()
        self.values = tuple(row[c] for c in PERSON_COLUMNS[len(PER_WRITE) :])
        self.changes_json = canonical_json(changes)
        self.id: int | None = None
        self.household_id: int | None = None
        self.is_household_head = False

    def __reduce__(self):
        # Crossing from a worker to the importer: a plain tuple, not the slots' state dict.
        return _new_person, tuple(getattr(self, name) for name in NewPerson.__slots__)


def _new_person(*state) -> NewPerson:
    person = NewPerson.__new__(NewPerson)
    for name, value in zip(NewPerson.__slots__, state, strict=True):
        setattr(person, name, value)
    return person


def prepare_new(*, values: dict, id_bidx: str | None = None, today: datetime.date | None = None) -> NewPerson:
    """prepare_person's checks and encryption for the bulk insert (raises ValidationError).
    `today` (default: core.dates.today()) spares the bulk path a clock and time-zone lookup a row."""
    return NewPerson(*_new_fields(values, id_bidx=id_bidx, today=today))


@transaction.atomic
def create_person(*, actor, visible_to=None, **values) -> Person:
    """Registers a person. `visible_to` (a queryset of people the caller sees) decides whether a
    duplicate's record is handed back for linking or kept hidden (out of jurisdiction)."""
    person, changes = prepare_person(actor=actor, **values)
    if person.id_number_bidx:
        existing = Person.objects.filter(id_number_bidx=person.id_number_bidx).first()
        if existing is not None:
            linked = visible_to.filter(pk=existing.pk).first() if visible_to is not None else None
            raise DuplicatePerson(linked)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two clerks registering the same number at once: the unique blind index decides.
        raise DuplicatePerson(None) from None
    audit_person(actor, "person.create", person, {"fields": changes, "version": person.version})
    return person


@transaction.atomic
def update_person(*, actor, person: Person, expected_version: int, **values) -> Person:
    """Saves an edit made on version `expected_version`; refuses it (StaleEdit) if anyone saved
    since, so neither edit is lost: the caller shows both."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    fresh = Person.objects.select_for_update().get(pk=person.pk)
    if fresh.version != expected_version:
        since = list(
            AuditEvent.objects.filter(
                object_type="person",
                object_id=str(person.pk),
                action="person.update",
                changes__version__gt=expected_version,
            ).order_by("id")
        )
        raise StaleEdit(current=fresh, since=since)
    cleaned = _clean(values)
    moved_from = fresh.region
    if cleaned.get("id_number") and cleaned["id_number"] != fresh.id_number:
        bidx = crypto.blind_index(cleaned["id_number"], context=ID_CONTEXT)
        if Person.objects.filter(id_number_bidx=bidx).exclude(pk=fresh.pk).exists():
            raise ValidationError(
                {"id_number": "该身份证号已属于另一人员，请核对；若为同一人，请使用“合并”。"}
            )
    changes = _apply(fresh, cleaned)
    if not changes:
        return fresh
    fresh.updated_by = actor
    fresh.version = F("version") + 1
    fresh.save()
    fresh.refresh_from_db()
    audit_person(actor, "person.update", fresh, {"fields": changes, "version": fresh.version})
    if "region" in changes:
        _hand_over(actor, fresh, moved_from)
    return fresh


def _hand_over(actor, person: Person, moved_from: Region) -> None:
    """His open work follows him (SCOPES: a task is seen by its subject's current region); the
    timeline says so, with how many tasks went to the new station."""
    open_tasks = Task.objects.filter(Task.open_q(), person=person).count()
    audit_person(
        actor,
        "person.handover",
        person,
        {
            "from": moved_from.code,
            "to": person.region_id,
            "open_tasks": open_tasks,
            "summary": f"从 {moved_from.full_name} 到 {person.region.full_name}，{open_tasks} 项待办",
        },
    )


@transaction.atomic
def reveal(*, actor, person: Person, field: str, reason: str) -> str:
    """The full ID number or phone, for a user holding the permission who gives a reason."""
    if field not in SENSITIVE:
        raise ValueError(field)
    if not actor.can(Perm.REVEAL_PII):
        raise PermissionDenied("您没有查看完整信息的权限。")
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写查看事由。"})
    audit_person(actor, "person.reveal", person, {"field": field}, reason=reason)
    return getattr(person, field)


def _require_reason(reason: str, *, what: str) -> str:
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": f"请填写{what}原因。"})
    return reason


def _household_name(name: str) -> str:
    name = " ".join(name.split())
    if len(name) > 50:
        raise ValidationError({"name": "户名不超过 50 个字。"})
    return name


def _household_title(household: Household) -> str:
    # Its own name, or the plain label: never a member's name the reader may not see.
    return household.name or str(household)


def _audit_household(actor, action: str, household: Household, changes: dict) -> AuditEvent:
    return record(
        actor=actor,
        action=action,
        object_type="household",
        object_id=household.pk,
        region_code=household.region_id,
        changes=changes,
    )


@transaction.atomic
def create_household(
    *,
    actor,
    region: Region,
    name: str = "",
    address: str = "",
    members: Sequence[Person] = (),
    head: Person | None = None,
) -> Household:
    """A new 户, with its members if given (a ledger import creates it first and fills it as its
    rows come; the person page creates one around its person, who becomes the head)."""
    household = Household.objects.create(region=region, name=_household_name(name), address=address.strip())
    _audit_household(
        actor,
        "household.create",
        household,
        {"name": household.name, "address": household.address, "members": len(members)},
    )
    for member in members:
        set_household(
            actor=actor, person=member, household=household, head=head is not None and member.pk == head.pk
        )
    return household


@transaction.atomic
def update_household(*, actor, household: Household, name: str, address: str) -> Household:
    """Renames the household or changes its address; an unchanged form writes nothing."""
    changes: dict[str, list[str]] = {}
    for field, value in (("name", _household_name(name)), ("address", address.strip())):
        if getattr(household, field) != value:
            changes[field] = [getattr(household, field), value]
            setattr(household, field, value)
    if changes:
        household.save(update_fields=list(changes))
        _audit_household(actor, "household.update", household, {"fields": changes})
    return household


@transaction.atomic
def set_household_grid(*, actor, household: Household, grid: Grid | None) -> Household:
    """Places the household in a 网格 of its own village (None: back to the village's first grid,
    which covers every household not placed). Its work follows it: the campaign visits still due
    move to the new grid (the database keeps them: core/derived.py "visit_grid"; visits already
    done keep the grid they were done in), and its open visit and contact-due tasks go to the new
    grid's liaison (worklist.services.follow_grid). An unchanged choice writes nothing."""
    if grid is not None and grid.village_id != household.region_id:
        raise ValidationError({"grid": "请选择本户所在村（社区）的网格。"})
    if household.grid_id == (grid.pk if grid else None):
        return household
    before = household.grid.name if household.grid_id else ""
    covering = _covering_grid(household)
    liaison_before = covering.liaison if covering else None
    household.grid = grid
    household.save(update_fields=["grid"])
    covering = _covering_grid(household)
    moved = follow_grid(
        actor=actor, household=household, before=liaison_before, after=covering.liaison if covering else None
    )
    changes: dict = {"fields": {"grid": [before, grid.name if grid else ""]}}
    if moved:
        changes["tasks_reassigned"] = moved
    _audit_household(actor, "household.grid", household, changes)
    return household


def _covering_grid(household: Household) -> Grid | None:
    """The grid whose liaison covers the household: its own, else its village's first."""
    if household.grid_id:
        return household.grid
    return (
        Grid.objects.filter(village_id=household.region_id).select_related("liaison").order_by("id").first()
    )


@transaction.atomic
def set_household(
    *, actor, person: Person, household: Household | None, head: bool, source: str = ""
) -> Person:
    """Puts the person into a household (or, with None, out of his): moving him in takes him out
    of the one he was in. Not a field of the person form, so the edit version stays (as for every
    household write). One audit row on the person, saying where he went."""
    left = person.household
    Person.objects.filter(pk=person.pk).update(
        household=household, is_household_head=head and household is not None
    )
    person.refresh_from_db()
    changes: dict = {"household": household.pk if household else None, "head": person.is_household_head}
    if household is None:
        changes["summary"] = f"迁出{_household_title(left)}" if left else "不属任何户"
    elif left is not None and left.pk == household.pk:
        changes["summary"] = "设为户主" if person.is_household_head else "不再为户主"
    else:
        changes["summary"] = f"迁入{_household_title(household)}" + (
            "（户主）" if person.is_household_head else ""
        )
    if source:
        changes["source"] = source
    audit_person(actor, "person.household", person, changes)
    return person


@transaction.atomic
def set_household_head(*, actor, household: Household, head: Person) -> Person:
    """Makes a member the head; the previous head stays a member."""
    if head.household_id != household.pk:
        raise ValidationError({"head": "户主须为本户成员。"})
    for previous in Person.objects.filter(household=household, is_household_head=True).exclude(pk=head.pk):
        set_household(actor=actor, person=previous, household=household, head=False)
    if head.is_household_head:
        return head
    return set_household(actor=actor, person=head, household=household, head=True)


# The columns create_people writes, in order: first those set at the write, then those a
# NewPerson holds (the rest keep their database defaults).
PER_WRITE = (
    "id", "household_id", "is_household_head", "created_by_id", "updated_by_id", "created_at", "updated_at",
)  # fmt: skip
PERSON_COLUMNS = (
    *PER_WRITE, "name", "name_pinyin", "name_initials", "sex", "birth_date", "ethnicity", "id_number_enc",
    "id_number_bidx", "birthplace_code", "phone_enc", "phone_bidx", "region_id", "address", "education",
    "political_status", "notes", "dependent_adult", "version", "photo_id", "merged_into_id",
)  # fmt: skip
_BY_ATTNAME = {f.attname: f for f in Person._meta.concrete_fields}
_ROW_DEFAULTS = {
    column: (None if _BY_ATTNAME[column].is_relation else _BY_ATTNAME[column].get_default())
    for column in PERSON_COLUMNS
    if column in _BY_ATTNAME
}


def person_rows(*, actor, prepared: list[NewPerson]) -> list[tuple]:
    """The insert rows (PERSON_COLUMNS) of people prepared by prepare_new, each given his id:
    create_people's rows, and the benchmark registry's (bench/, which builds a million at once)."""
    by = actor.pk if actor is not None and actor.is_authenticated else None
    now = bulk.adapt_datetime(timezone.now())
    rows = []
    for person_id, person in zip(bulk.allocate_ids(Person, len(prepared)), prepared, strict=True):
        person.id = person_id
        rows.append(
            (person_id, person.household_id, person.is_household_head, by, by, now, now, *person.values)
        )
    return rows


@transaction.atomic
def create_people(*, actor, prepared: list[NewPerson], source: str = "") -> list[int]:
    """Registers many people prepared by prepare_new with one insert of plain rows, each with his
    own person.create audit event (one batch append, chain intact): the ledger import's path.
    Sets and returns their ids. The caller has checked their ID numbers against the registry (the
    unique blind index still refuses a duplicate, failing the whole batch)."""
    if not prepared:
        return []
    bulk.insert_rows(Person, PERSON_COLUMNS, person_rows(actor=actor, prepared=prepared))
    # {"fields": …, "source": …, "version": 1} as canonical_json writes it (keys in order).
    tail = (f',"source":{canonical_json(source)}' if source else "") + ',"version":1}'
    events = []
    for person in prepared:
        changes = person.changes_json
        if person.household_id is not None:
            more = {"household": ["", str(person.household_id)]}
            if person.is_household_head:
                more["is_household_head"] = ["", "是"]
            changes = canonical_json({**json.loads(changes), **more})
        events.append((person.id, person.region_code, '{"fields":' + changes + tail))
    append_events(actor=actor, action="person.create", object_type="person", rows=events)
    return [person.id for person in prepared]


@transaction.atomic
def add_relation(*, actor, person: Person, relative: Person, kind: str, note: str = "") -> Relation:
    if person.pk == relative.pk:
        raise ValidationError({"relative": "不能与本人建立亲属关系。"})
    if (
        Relation.objects.filter(person=person, relative=relative).exists()
        or Relation.objects.filter(person=relative, relative=person).exists()
    ):
        raise ValidationError({"relative": "两人之间已有亲属关系记录。"})
    relation = Relation.objects.create(person=person, relative=relative, kind=kind, note=note)
    label = relation.get_kind_display()
    audit_person(
        actor, "person.relation.add", person, {"relative": relative.pk, "name": relative.name, "kind": label}
    )
    audit_person(
        actor, "person.relation.add", relative, {"relative": person.pk, "name": person.name, "of": label}
    )
    return relation


def _kind_label(kind: str) -> str:
    return RelationKind(kind).label


@transaction.atomic
def correct_relation(
    *, actor: User | None, relation: Relation, kind: str, seen_from: Person, reason: str
) -> Relation:
    """Corrects a relation recorded with the wrong kind. `kind` is what the relative is to
    `seen_from` (either side of the pair: the family tab shows it from the page's person), stored
    from the side the row was recorded from. On both people's timelines, with the reason."""
    reason = _require_reason(reason, what="更正")
    relation = Relation.objects.select_for_update().get(pk=relation.pk)
    if seen_from.pk not in (relation.person_id, relation.relative_id):
        raise ValueError("seen_from is not one of the pair")
    stored = kind if seen_from.pk == relation.person_id else INVERSE_RELATION[RelationKind(kind)]
    if stored == relation.kind:
        raise ValidationError({"kind": "关系与原记录相同，无需更正。"})
    before, relation.kind = relation.kind, stored
    relation.save(update_fields=["kind"])
    person, relative = relation.person, relation.relative
    for subject, other, old, new in (
        (person, relative, before, stored),
        (relative, person, INVERSE_RELATION[RelationKind(before)], INVERSE_RELATION[RelationKind(stored)]),
    ):
        audit_person(
            actor,
            "person.relation.correct",
            subject,
            {
                "relative": other.pk,
                "name": other.name,
                "kind": [_kind_label(old), _kind_label(new)],
                # No name: the other side's timeline may be read by a station that does not see him.
                "summary": f"{_kind_label(old)} → {_kind_label(new)}",
            },
            reason=reason,
        )
    return relation


@transaction.atomic
def delete_relation(*, actor: User | None, relation: Relation, reason: str) -> None:
    """Removes a relation recorded in error (or a marriage ended), on both people's timelines,
    with the reason."""
    reason = _require_reason(reason, what="删除")
    person, relative, label = relation.person, relation.relative, relation.get_kind_display()
    relation.delete()
    audit_person(
        actor,
        "person.relation.delete",
        person,
        {
            "relative": relative.pk,
            "name": relative.name,
            "kind": label,
            "summary": f"对方为本人的{label}",  # no name: see correct_relation
        },
        reason=reason,
    )
    audit_person(
        actor,
        "person.relation.delete",
        relative,
        {"relative": person.pk, "name": person.name, "of": label, "summary": f"本人为对方的{label}"},
        reason=reason,
    )


# The one source of a 民兵 identity: a membership of the year's roster ("militia:<pk>").
MILITIA_SOURCE = "militia:"


@transaction.atomic
def grant_identity(
    *,
    actor,
    person: Person,
    kind: str,
    since: datetime.date,
    source: str,
    subtype: str = "",
    through: Person | None = None,
) -> Identity:
    """Opens an identity; a second call for the same open identity returns the existing one.
    One held through a relative (军属 through a son) begins at the earliest on the holder's birth."""
    if through is not None and person.birth_date and since < person.birth_date:
        since = person.birth_date
    # An identity may begin on a day ahead (批准入伍 on its intake's date), never before birth.
    check_date(since, field="since", latest=planning_limit(), born=person.birth_date)
    if kind == IdentityKind.MILITIA and not source.startswith(MILITIA_SOURCE):
        # Only 民兵整组 (militia.services.join) knows the age and eligibility rules; from anywhere
        # else a 66-year-old could be made militia.
        raise ValidationError(
            {"kind": "民兵身份须在“民兵 → 整组”中编入民兵组织，经年龄和条件核对后自动记载。"}
        )
    if (kind == IdentityKind.BEREAVED_FAMILY) != bool(subtype):
        # The database refuses it too (identity_subtype_only_for_bereaved); say it in Chinese first.
        raise ValidationError({"subtype": "遗属身份须选择遗属类别，其他身份不选遗属类别。"})
    existing = person.identities.filter(
        kind=kind, subtype=subtype, through=through, until__isnull=True
    ).first()
    if existing is not None:
        return existing
    identity = Identity.objects.create(
        person=person, kind=kind, subtype=subtype, since=since, through=through, source=source
    )
    audit_person(
        actor,
        "person.identity.grant",
        person,
        {"identity": str(identity), "since": since.isoformat(), "source": source},
    )
    return identity


@transaction.atomic
def end_identity(*, actor, identity: Identity, until: datetime.date, source: str) -> Identity:
    check_date(until, field="until", latest=planning_limit(), born=identity.person.birth_date)
    identity.until, identity.ended_by = until, source
    identity.full_clean(exclude=["person", "through"])
    identity.save(update_fields=["until", "ended_by"])
    audit_person(
        actor,
        "person.identity.end",
        identity.person,
        {"identity": str(identity), "until": until.isoformat(), "source": source},
    )
    return identity


@transaction.atomic
def revoke_identity(*, actor, identity: Identity, source: str) -> None:
    """A corrected or withdrawn fact takes back the identity it granted: as if never held (the
    audit trail and the correction's event keep that it was)."""
    person, label = identity.person, str(identity)
    identity.delete()
    audit_person(actor, "person.identity.revoke", person, {"identity": label, "source": source})


@transaction.atomic
def reopen_identity(*, actor, identity: Identity, source: str) -> Identity:
    """A corrected or withdrawn fact reopens the identity it ended."""
    identity.until, identity.ended_by = None, ""
    identity.save(update_fields=["until", "ended_by"])
    audit_person(
        actor, "person.identity.reopen", identity.person, {"identity": str(identity), "source": source}
    )
    return identity


@transaction.atomic
def add_service_record(*, actor, person: Person, **fields) -> ServiceRecord:
    # Enlistment may be dated on an intake ahead; a discharge is a fact.
    check_date(
        fields.get("enlisted_on"), field="enlisted_on", latest=planning_limit(), born=person.birth_date
    )
    check_date(fields.get("discharged_on"), field="discharged_on", born=person.birth_date)
    if fields.get("enlisted_on"):
        check_enlistment_age(born=person.birth_date, enlisted_on=fields["enlisted_on"], field="enlisted_on")
    record_ = ServiceRecord(person=person, **fields)
    record_.full_clean()
    record_.save()
    audit_person(actor, "person.service.add", person, {k: _display(k, v) for k, v in fields.items()})
    return record_


@transaction.atomic
def close_service_record(
    *, actor, service_record: ServiceRecord, on: datetime.date, **fields
) -> ServiceRecord:
    """Ends service: the discharge (or return) date, and what the discharge settles."""
    check_date(on, field="on", latest=planning_limit(), born=service_record.person.birth_date)
    service_record.discharged_on = on
    for name, value in fields.items():
        setattr(service_record, name, value)
    service_record.full_clean()
    service_record.save()
    audit_person(
        actor,
        "person.service.close",
        service_record.person,
        {"discharged_on": on.isoformat(), **{k: _display(k, v) for k, v in fields.items()}},
    )
    return service_record


# What a discharge wrote on the record, undone when the discharge is corrected or withdrawn.
CLOSING_FIELDS = ("discharged_on", "settlement_type", "discharge_certificate_no", "closed_by")


@transaction.atomic
def reopen_service_record(*, actor, service_record: ServiceRecord, source: str) -> ServiceRecord:
    """A corrected or withdrawn discharge (or death, or 退兵) opens the record again."""
    service_record.discharged_on = None
    service_record.settlement_type = service_record.discharge_certificate_no = service_record.closed_by = ""
    service_record.save(update_fields=list(CLOSING_FIELDS))
    audit_person(actor, "person.service.reopen", service_record.person, {"source": source})
    return service_record


@transaction.atomic
def change_service_record(
    *, actor, service_record: ServiceRecord, reason: str = "", **fields
) -> ServiceRecord:
    """A correction of the record itself: the enlistment date, or the type a status change set."""
    if fields.get("enlisted_on"):
        check_date(
            fields["enlisted_on"],
            field="enlisted_on",
            latest=planning_limit(),
            born=service_record.person.birth_date,
        )
        check_enlistment_age(
            born=service_record.person.birth_date, enlisted_on=fields["enlisted_on"], field="enlisted_on"
        )
    for name, value in fields.items():
        setattr(service_record, name, value)
    service_record.full_clean()
    service_record.save(update_fields=list(fields))
    audit_person(
        actor,
        "person.service.change",
        service_record.person,
        {k: _display(k, v) for k, v in fields.items()},
        reason=reason,
    )
    return service_record


@transaction.atomic
def add_award(
    *, actor, person: Person, level: str, awarded_on: datetime.date, notice_number: str = ""
) -> Award:
    check_date(awarded_on, field="awarded_on", born=person.birth_date)
    award = Award.objects.create(
        person=person, level=level, awarded_on=awarded_on, notice_number=notice_number
    )
    audit_person(
        actor,
        "person.award.add",
        person,
        {"level": award.get_level_display(), "awarded_on": awarded_on.isoformat(), "notice": notice_number},
    )
    return award


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def attach_document(
    *, actor: User | None, person: Person, kind: str, title: str, content: bytes, filename: str
) -> Document:
    """Stores the file sealed under <documents>/<person>/<sha256><suffix>, checksummed. Its type
    comes from the bytes (JPEG, PNG or PDF only), never from the client's name or header. The
    row first, then the file, written so that a rollback (here or in the caller's transaction,
    e.g. the 优待证 application the photo belongs to) removes it: nothing is left orphaned."""
    if not content:
        raise ValidationError({"file": "文件为空。"})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": "文件超过 20 MB。"})
    file_type = filetypes.detect(content)
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{person.pk}/{digest}{file_type.suffix}"
    document = Document.objects.create(
        person=person,
        kind=kind,
        title=title.strip() or filename,
        path=relative,
        sha256=digest,
        size=len(content),
        content_type=file_type.content_type,
        uploaded_by=actor,
    )
    files.write_in_transaction("documents", relative, [content])
    if kind == "photo":
        Person.objects.filter(pk=person.pk).update(photo=document)
    audit_person(
        actor,
        "person.document.attach",
        person,
        {"document": document.pk, "kind": document.get_kind_display(), "sha256": digest},
    )
    return document


def _checked_content(document: Document) -> bytes:
    """The stored bytes, decrypted and checked against the checksum."""
    try:
        content = files.read("documents", document.path)
    except crypto.DecryptionError:
        raise ValidationError("文件校验失败：存储的文件无法解密，可能已被改动。") from None
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise ValidationError("文件校验失败：存储的文件与登记时不一致。")
    return content


def record_view(*, actor: User, person: Person) -> None:
    """Opening a person's page is audited once, as a view; its tabs and the photo it embeds are
    part of that visit and add nothing."""
    audit_person(actor, "person.view", person, {}, view=True)


def read_document(*, actor: User, document: Document) -> bytes:
    """A document opened from the 材料 tab: the download is audited."""
    content = _checked_content(document)
    audit_person(actor, "person.document.download", document.person, {"document": document.pk})
    return content


def read_photo(*, document: Document) -> bytes:
    """A photo embedded in a page or print whose opening is itself audited (the person page's
    view, the 申请表's print): not audited again, or every visit would add a 查看材料 row."""
    if document.kind != "photo":
        raise ValidationError("只有照片可以嵌入页面显示。")
    return _checked_content(document)


def _records_of_a_person():
    """Every foreign key to a person from another model: the hidden ones too (related_name "+",
    as most of care's, the militia's and the station's are) and the own tables of many-to-many
    fields (an activity's participants) — `_meta.related_objects` leaves the former out."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (
            relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
        ):
            continue
        if (
            relation.related_model not in (Relation, Person)
            and relation.related_model._meta.label not in KEPT_ON_MERGE
        ):
            yield relation


# Records a merge leaves where they are, and why.
KEPT_ON_MERGE = {
    # What an import run did to which record is its history; undoing the run must never reach
    # the kept person through a row that named the duplicate.
    "ledgers.ImportRunRow",
}


def _move_records(*, duplicate: Person, keep: Person) -> None:
    """Every record of any app that points at the duplicate is moved to the kept person — found
    through the model's reverse relations, so records added by later features move too. Relations
    between people are handled by the caller; a one-to-one record the kept person already has is
    a conflict for a person to settle first."""
    for relation in _records_of_a_person():
        model, field = relation.related_model, relation.field
        rows = model.objects.filter(**{field.name: duplicate})
        if not rows.exists():
            continue
        if model._meta.auto_created:  # a many-to-many's own table: one row per pair
            other = next(f.name for f in model._meta.concrete_fields if f.is_relation and f is not field)
            rows.filter(**{f"{other}__in": model.objects.filter(**{field.name: keep}).values(other)}).delete()
        if relation.one_to_one and model.objects.filter(**{field.name: keep}).exists():
            raise ValidationError(f"两条记录都有{model._meta.verbose_name}，请先核对处理后再合并。")
        try:
            with transaction.atomic():
                rows.update(**{field.name: keep})
                if model is Task:  # the subject key is the task's uniqueness, it follows the person
                    rows.model.objects.filter(
                        **{field.name: keep}, subject_key=f"person:{duplicate.pk}"
                    ).update(subject_key=f"person:{keep.pk}")
        except IntegrityError:
            raise ValidationError(
                f"两条记录的{model._meta.verbose_name}重复，请先核对处理后再合并。"
            ) from None


@transaction.atomic
def merge_people(*, actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Moves everything of `duplicate` onto `keep` and retires the duplicate (kept, pointing at
    `keep`, so old references and the audit trail still resolve). Confirmed by a person."""
    if not actor.can(Perm.MERGE_PEOPLE):
        raise PermissionDenied("您没有合并人员记录的权限。")
    if keep.pk == duplicate.pk:
        raise ValidationError("不能与自身合并。")
    if keep.id_number and duplicate.id_number and keep.id_number != duplicate.id_number:
        raise ValidationError("两条记录的身份证号不同，不是同一人，不能合并。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写合并原因。"})
    _move_records(duplicate=duplicate, keep=keep)
    for rel in Relation.objects.filter(person=duplicate):
        if (
            rel.relative_id != keep.pk
            and not Relation.objects.filter(person=keep, relative=rel.relative).exists()
        ):
            Relation.objects.filter(pk=rel.pk).update(person=keep)
    for rel in Relation.objects.filter(relative=duplicate):
        if (
            rel.person_id != keep.pk
            and not Relation.objects.filter(person=rel.person, relative=keep).exists()
        ):
            Relation.objects.filter(pk=rel.pk).update(relative=keep)
    Relation.objects.filter(person=duplicate).delete()
    Relation.objects.filter(relative=duplicate).delete()
    filled = {}
    for field in ("phone", "address", "education", "political_status", "ethnicity"):
        if not getattr(keep, field) and getattr(duplicate, field):
            filled[field] = getattr(duplicate, field)
    if not keep.id_number and duplicate.id_number:
        filled["id_number"] = duplicate.id_number
    # The duplicate gives up its ID number first: the blind index is unique.
    Person.objects.filter(pk=duplicate.pk).update(
        merged_into=keep, id_number_enc="", id_number_bidx=None, version=F("version") + 1
    )
    if filled:
        changes = _apply(keep, _clean(filled))
        keep.version = F("version") + 1
        keep.save()
        keep.refresh_from_db()
    else:
        changes = {}
    audit_person(
        actor,
        "person.merge",
        keep,
        {"merged": duplicate.pk, "filled": changes, "version": keep.version},
        reason=reason,
    )
    audit_person(actor, "person.merged_into", duplicate, {"into": keep.pk}, reason=reason)
    return keep
