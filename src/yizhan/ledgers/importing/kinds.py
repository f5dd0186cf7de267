"""The five ledger kinds: each a column spec plus what a row adds to the person it is about.

The engine has already found or created the row's person (by ID number) when `attach` runs, inside
a savepoint: `attach` records the kind's fact through the existing services and returns what it
created, or raises Rejected, which undoes the whole row. A fact already in the registry is left
alone when the ledger agrees with it and reported for review when it does not: imports add facts,
they never rewrite them. Historical facts are recorded as facts, without firing the lifecycle
follow-up of a fresh one (an old discharge opens no 30-day check-in task); registrations are the
exception, because 兵役登记 is recorded through its one service.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from yizhan.conscription.models import Conclusion, Registration
from yizhan.conscription.services import record_registration
from yizhan.core.idnumber import chinese_date
from yizhan.ledgers.importing import cells
from yizhan.ledgers.importing.columns import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, Column, labels
from yizhan.ledgers.importing.rows import Rejected, Row
from yizhan.ledgers.models import ImportKind
from yizhan.lifecycle.models import DomainEvent
from yizhan.people import services as people
from yizhan.people.models import (
    INVERSE_RELATION,
    Award,
    AwardLevel,
    Branch,
    Identity,
    IdentityKind,
    Person,
    Relation,
    RelationKind,
    ServiceType,
    SettlementType,
)
from yizhan.people.selectors import counts_as_military_family

if TYPE_CHECKING:
    from yizhan.ledgers.importing.engine import Importer


@dataclass(frozen=True)
class Kind:
    key: str
    columns: tuple[Column, ...]
    # Adds the kind's fact to the row's person; returns the records it created.
    attach: Callable[[Importer, Row, Person], list[Model]] | None = None
    # Checks needing the registry, before anything is written (raises Rejected).
    check: Callable[[Importer, Row], None] | None = None
    # Fields holding other people's ID numbers, looked up in bulk with the batch's own.
    lookups: tuple[str, ...] = ()
    # Besides the ID number, what makes two rows the same fact (so a repeat): a person has one
    # row in a people ledger, but one per award in an awards ledger.
    same_fact: tuple[str, ...] = ()


def _grant(importer: Importer, person: Person, kind: str, since: datetime.date, through=None) -> list[Model]:
    """The identity, if not already open; returns it when this row opened it (for undo)."""
    if person.identities.filter(kind=kind, subtype="", through=through, until__isnull=True).exists():
        return []
    return [
        people.grant_identity(
            actor=importer.actor,
            person=person,
            kind=kind,
            since=since,
            source=f"import:{importer.run.pk}",
            through=through,
        )
    ]


def _differences(row: Row, record: Model, fields: tuple[str, ...], what: str) -> Rejected | None:
    """A Rejected naming each field where the ledger and the existing record disagree."""
    errors = []
    for name in fields:
        if name not in row.values:
            continue
        mine, theirs = _stored(row.values[name]), getattr(record, name)
        if mine != theirs:
            shown = _shown(record, name, theirs)
            errors.append(
                row.error(name, f"系统中已有该{what}，其{row.header(name)}为“{shown}”，与表中不一致，请核对")
            )
    return Rejected(errors) if errors else None


def _stored(value):
    return value.value if isinstance(value, cells.Day) else value


def _shown(record: Model, name: str, value) -> str:
    if value in (None, ""):
        return "空"
    if isinstance(value, datetime.date):
        return chinese_date(value)
    display = getattr(record, f"get_{name}_display", None)
    return str(display()) if display else str(value)


# --- veterans: persons with service records --------------------------------------------------

SERVICE_COLUMNS = (
    Column(
        "enlisted_on",
        "入伍时间",
        ("入伍年月", "入伍日期", "入伍时间（年月）", "参军时间"),
        cells.day,
        required=True,
    ),
    Column(
        "discharged_on",
        "退役时间",
        ("退役年月", "退役日期", "退伍时间", "退伍年月", "退伍日期", "退出现役时间", "退出现役日期"),
        cells.day,
    ),
    Column(
        "service_type",
        "人员类别",
        ("身份类别", "军人类别", "退役类别", "服役类别"),
        cells.choice(
            labels(
                ServiceType,
                {
                    "士兵": "conscript",
                    "士官": "nco",
                    "干部": "officer",
                    "退役士兵": "conscript",
                    "退役士官": "nco",
                    "转业干部": "officer",
                    "军队转业干部": "officer",
                },
            ),
            "人员类别",
        ),
    ),
    Column(
        "branch",
        "军兵种",
        ("服役军种", "军种"),
        cells.choice(labels(Branch, {"武警": "armed_police", "武警部队": "armed_police"}), "军兵种"),
    ),
    Column(
        "settlement_type",
        "安置方式",
        ("安置类别", "安置去向", "安置情况"),
        cells.choice(
            labels(SettlementType, {"自谋职业": "self_employed", "安置": "assigned_job"}), "安置方式"
        ),
    ),
    Column(
        "discharge_certificate_no", "退役证号", ("退役证件号", "退伍证号", "退役证编号"), cells.plain_text(50)
    ),
)
SERVICE_FIELDS = tuple(c.field for c in SERVICE_COLUMNS)


def check_service(importer: Importer, row: Row) -> None:
    enlisted, discharged = row.values.get("enlisted_on"), row.values.get("discharged_on")
    if enlisted and discharged and discharged.value < enlisted.value:
        raise row.reject("discharged_on", "退役时间早于入伍时间")
    if "settlement_type" in row.values and discharged is None:
        raise row.reject("settlement_type", "填写了安置方式，但没有退役时间")


def attach_service(importer: Importer, row: Row, person: Person) -> list[Model]:
    fields = {name: _stored(row.values[name]) for name in SERVICE_FIELDS if name in row.values}
    existing = person.service_records.filter(enlisted_on=fields["enlisted_on"]).first()
    if existing is not None:
        differs = _differences(row, existing, SERVICE_FIELDS, "服役记录")
        if differs:
            raise differs
        return []
    record = people.add_service_record(actor=importer.actor, person=person, **fields)
    if record.discharged_on:
        return [record, *_grant(importer, person, IdentityKind.VETERAN, record.discharged_on)]
    return [record, *_grant(importer, person, IdentityKind.ACTIVE_SERVICEMEMBER, record.enlisted_on)]


# --- families: relatives of a serving member or veteran ---------------------------------------

RELATION_SPELLINGS = labels(
    RelationKind,
    {"父亲": "parent", "母亲": "parent", "父": "parent", "母": "parent", "配偶": "spouse", "妻子": "spouse",
     "妻": "spouse", "丈夫": "spouse", "夫": "spouse", "儿子": "child", "女儿": "child", "子": "child",
     "女": "child", "哥哥": "sibling", "弟弟": "sibling", "姐姐": "sibling", "妹妹": "sibling",
     "兄弟": "sibling", "姐妹": "sibling", "抚养人": "guardian", "监护人": "guardian"},
)  # fmt: skip
FAMILY_COLUMNS = (
    Column(
        "member_id",
        "军人身份证号",
        ("军人身份证号码", "现役军人身份证号", "退役军人身份证号", "军人公民身份号码", "军人身份证"),
        cells.id_number,
        required=True,
    ),
    Column("member_name", "军人姓名", ("现役军人姓名", "退役军人姓名"), cells.name),
    Column(
        "relation",
        "与军人关系",
        ("关系", "亲属关系", "称谓", "与军人的关系"),
        cells.choice(RELATION_SPELLINGS, "与军人关系"),
        required=True,
    ),
)


def check_family(importer: Importer, row: Row) -> None:
    info = row.values["member_id"]
    member = importer.found(info.number)
    if member is None or not importer.in_region(member):
        raise row.reject("member_id", "本地区人员库中没有该军人，请先导入或登记该军人")
    if "id_number" in row.values and row.values["id_number"].number == info.number:
        raise row.reject("member_id", "军人身份证号与本人身份证号相同")
    served = (
        member.service_records.exists()
        or member.identities.filter(
            Identity.current_q(), kind__in=[IdentityKind.ACTIVE_SERVICEMEMBER, IdentityKind.VETERAN]
        ).exists()
    )
    if not served:
        raise row.reject("member_id", f"人员库中的“{member.name}”不是现役军人或退役军人")
    if "member_name" in row.values and row.values["member_name"] != member.name:
        raise row.reject("member_name", f"军人姓名与人员库不符（人员库中为“{member.name}”）")


def attach_family(importer: Importer, row: Row, person: Person) -> list[Model]:
    member = importer.found(row.values["member_id"].number)
    kind = row.values["relation"]
    mine = Relation.objects.filter(person=member, relative=person).first()
    theirs = Relation.objects.filter(person=person, relative=member).first()
    if mine or theirs:
        recorded = mine.kind if mine else INVERSE_RELATION[theirs.kind]
        if recorded != kind:
            raise row.reject(
                "relation", f"系统中已记录为“{RelationKind(recorded).label}”，与表中不一致，请核对"
            )
        return []
    created: list[Model] = [
        people.add_relation(actor=importer.actor, person=member, relative=person, kind=kind)
    ]
    serving = member.identities.filter(Identity.current_q(), kind=IdentityKind.ACTIVE_SERVICEMEMBER).first()
    # The rules' own definition of 军人家属 (dependent adult children included), as of today.
    if serving is not None and counts_as_military_family(person, kind, timezone.localdate()):
        created += _grant(importer, person, IdentityKind.MILITARY_FAMILY, serving.since, through=member)
    return created


# --- registrations: 兵役登记 ------------------------------------------------------------------

REGISTRATION_COLUMNS = (
    Column(
        "registered_on", "登记日期", ("登记时间", "兵役登记日期", "兵役登记时间"), cells.day, required=True
    ),
    Column(
        "conclusion",
        "初步结论",
        ("登记结论", "结论", "兵役登记结论"),
        cells.choice(
            labels(
                Conclusion, {"应服": "liable", "免服": "exempt", "不得服": "disqualified", "合格": "liable"}
            ),
            "初步结论",
        ),
        required=True,
    ),
    Column(
        "reason",
        "原因",
        ("免服原因", "不得服原因", "免服/不得服原因", "免服或不得服原因"),
        cells.plain_text(200),
    ),
    Column("is_university_student", "是否大学生", ("在校大学生", "大学生", "是否在校大学生"), cells.yes_no),
    Column("family_contacts", "家庭联系人", ("家长姓名及电话", "家庭联系人及电话"), cells.plain_text(200)),
)


def attach_registration(importer: Importer, row: Row, person: Person) -> list[Model]:
    on = row.values["registered_on"]
    if on.month_only:
        raise row.reject("registered_on", "登记日期须具体到日")
    existing = Registration.objects.filter(person=person).first()
    if existing is not None:
        differs = _differences(row, existing, ("registered_on", "conclusion"), "兵役登记")
        if differs:
            raise differs
        return []
    try:
        registration = record_registration(
            actor=importer.actor,
            person=person,
            on=on.value,
            conclusion=row.values["conclusion"],
            reason=row.values.get("reason", ""),
            is_university_student=row.values.get("is_university_student", False),
            family_contacts=row.values.get("family_contacts", ""),
        )
    except ValidationError as exc:
        field = "reason" if getattr(exc, "error_dict", {}).get("reason") else "registered_on"
        raise row.reject(field, "；".join(m.rstrip("。") for m in exc.messages)) from None
    event = DomainEvent.objects.get(key=f"registration:{registration.pk}")
    # What the event set off (the registrant identity), removed first when the run is undone.
    return [registration, event, *Identity.objects.filter(source=f"event:{event.pk}")]


# --- awards: 立功受奖 -------------------------------------------------------------------------

AWARD_COLUMNS = (
    Column(
        "level",
        "奖励等级",
        ("奖励名称", "立功受奖", "奖励类别", "奖励情况", "荣誉", "奖项"),
        cells.choice(
            labels(
                AwardLevel,
                {
                    "个人一等功": "first_class",
                    "个人二等功": "second_class",
                    "个人三等功": "third_class",
                    "四有优秀士兵": "four_haves",
                    '"四有"优秀士兵': "four_haves",
                },
            ),
            "奖励等级",
        ),
        required=True,
    ),
    Column(
        "awarded_on",
        "授予日期",
        ("授予时间", "批准时间", "批准日期", "获奖时间", "立功时间"),
        cells.day,
        required=True,
    ),
    Column("notice_number", "通知文号", ("文号", "批准文号", "命令文号"), cells.plain_text(100)),
)


def attach_award(importer: Importer, row: Row, person: Person) -> list[Model]:
    level, on = row.values["level"], row.values["awarded_on"].value
    existing = Award.objects.filter(person=person, level=level, awarded_on=on).first()
    if existing is not None:
        if existing.notice_number and row.values.get("notice_number", existing.notice_number) != (
            existing.notice_number
        ):
            raise row.reject(
                "notice_number", f"系统中该奖励的通知文号为“{existing.notice_number}”，与表中不一致"
            )
        return []
    return [
        people.add_award(
            actor=importer.actor,
            person=person,
            level=level,
            awarded_on=on,
            notice_number=row.values.get("notice_number", ""),
        )
    ]


KINDS: dict[str, Kind] = {
    ImportKind.PEOPLE: Kind(ImportKind.PEOPLE, PERSON_COLUMNS + HOUSEHOLD_COLUMNS),
    ImportKind.VETERANS: Kind(
        ImportKind.VETERANS,
        PERSON_COLUMNS + SERVICE_COLUMNS,
        attach=attach_service,
        check=check_service,
        same_fact=("enlisted_on",),
    ),
    ImportKind.FAMILIES: Kind(
        ImportKind.FAMILIES,
        PERSON_COLUMNS + FAMILY_COLUMNS,
        attach=attach_family,
        check=check_family,
        lookups=("member_id",),
        same_fact=("member_id",),
    ),
    ImportKind.REGISTRATIONS: Kind(
        ImportKind.REGISTRATIONS, PERSON_COLUMNS + REGISTRATION_COLUMNS, attach=attach_registration
    ),
    ImportKind.AWARDS: Kind(
        ImportKind.AWARDS,
        PERSON_COLUMNS + AWARD_COLUMNS,
        attach=attach_award,
        same_fact=("level", "awarded_on"),
    ),
}


def field_choices(kind: str) -> list[tuple[str, str]]:
    """(field, label) of a kind, for the mapping selects."""
    return [(c.field, c.label) for c in KINDS[kind].columns]
