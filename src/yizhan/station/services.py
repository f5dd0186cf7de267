"""Every write of the 服务阵地: teams and their hours, joint activities and the send-off, the honor
roll, the archive register. Keyword-only, atomic, audited in the same transaction (on the
person's timeline where a person is named, else under the township)."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from yizhan.accounts.models import User
from yizhan.accounts.roles import Department
from yizhan.audit.services import record
from yizhan.care.models import GIFT_PACK_ITEMS
from yizhan.care.services import record_gift_pack
from yizhan.conscription.models import Campaign
from yizhan.core import crypto, files, filetypes
from yizhan.core.dates import date_problem, planning_limit
from yizhan.core.idnumber import chinese_date
from yizhan.people.models import Household, Person
from yizhan.people.services import audit_person
from yizhan.regions.models import Region
from yizhan.station.models import (
    ActivityKind,
    ActivityPhoto,
    ActivitySchool,
    ArchiveFile,
    ArchiveLoan,
    HonorEntry,
    HonorKind,
    JointActivity,
    ServiceHours,
    Team,
    TeamKind,
    TeamMember,
)
from yizhan.text import name_problem
from yizhan.worklist.models import Task, TaskKind
from yizhan.worklist.services import complete


def _text(errors: dict, field: str, value: str, message: str = "", *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        errors[field] = message
    elif problem := name_problem(value):
        errors[field] = problem
    return value


def _date(errors: dict, field: str, value: datetime.date, label: str, *, latest=None, born=None) -> None:
    if problem := date_problem(value, latest=latest, born=born):
        errors[field] = problem.replace("日期", label, 1)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _audit(actor, action: str, obj, township_code: str, changes: dict) -> None:
    record(
        actor=actor, action=action, object_type=f"station_{obj._meta.model_name}", object_id=obj.pk,
        region_code=township_code, changes=changes,
    )  # fmt: skip


def township_of(person: Person) -> str:
    return person.region_id[:9] + "000"


# --- teams ------------------------------------------------------------------------------------


@transaction.atomic
def create_team(*, actor: User | None, township: Region, name: str, kind: str) -> Team:
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, "请填写队伍名称。")
    if kind not in TeamKind.values:
        errors["kind"] = "请选择队伍类别。"
    if "name" not in errors and Team.objects.filter(township=township, name=name).exists():
        errors["name"] = "本乡镇（街道）已有同名队伍。"
    _raise(errors)
    team = Team.objects.create(township=township, name=name, kind=kind)
    _audit(actor, "station.team.create", team, township.code, {"name": name, "kind": team.get_kind_display()})
    return team


@transaction.atomic
def add_member(*, actor: User | None, team: Team, person: Person, joined_on: datetime.date) -> TeamMember:
    errors: dict[str, str] = {}
    _date(errors, "joined_on", joined_on, "加入日期", born=person.birth_date)
    if township_of(person) != team.township_id:
        errors["person"] = "队员须为本乡镇（街道）登记在册的人员。"
    elif TeamMember.objects.filter(team=team, person=person).exists():
        errors["person"] = f"{person.name}已是{team.name}的队员。"
    _raise(errors)
    member = TeamMember.objects.create(team=team, person=person, joined_on=joined_on)
    audit_person(actor, "station.team.join", person, {"team": team.name, "joined_on": joined_on.isoformat()},
                 region_code=team.township_id)  # fmt: skip
    return member


@transaction.atomic
def record_hours(
    *, actor: User | None, team: Team, person: Person, served_on: datetime.date, description: str,
    hours: Decimal, activity: JointActivity | None = None,
) -> ServiceHours:  # fmt: skip
    errors: dict[str, str] = {}
    description = _text(errors, "description", description, "请填写服务内容。")
    _date(errors, "served_on", served_on, "服务日期", born=person.birth_date)
    if not TeamMember.objects.filter(team=team, person=person).exists():
        errors["person"] = f"{person.name}不是{team.name}的队员。"
    if hours <= 0 or hours > 24:
        errors["hours"] = "时长须大于 0 且不超过 24 小时。"
    _raise(errors)
    entry = ServiceHours.objects.create(
        team=team, person=person, served_on=served_on, description=description, hours=hours, activity=activity,
        recorded_by=actor,
    )  # fmt: skip
    audit_person(actor, "station.hours.record", person, {
        "team": team.name, "served_on": served_on.isoformat(), "hours": str(hours), "description": description,
    }, region_code=team.township_id)  # fmt: skip
    return entry


# --- joint activities and the send-off ----------------------------------------------------------


@transaction.atomic
def create_activity(
    *, actor: User | None, township: Region, kind: str, title: str, held_on: datetime.date, place: str,
    organiser: str, persons: Iterable[Person] = (), households: Iterable[Household] = (),
    teams: Iterable[Team] = (), schools: str = "", campaign: Campaign | None = None, notes: str = "",
) -> JointActivity:  # fmt: skip
    """`schools`: the names of the schools that took part, separated by 、 or commas."""
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "请填写活动名称。")
    place = _text(errors, "place", place, "请填写活动地点。")
    school_names = _school_names(errors, schools)
    # A send-off is planned ahead of the day; the others are recorded after they were held.
    _date(errors, "held_on", held_on, "活动日期", latest=planning_limit())
    if kind not in ActivityKind.values:
        errors["kind"] = "请选择活动类别。"
    if organiser not in Department.values:
        errors["organiser"] = "请选择组织部门。"
    if kind == ActivityKind.SEND_OFF and campaign is None:
        errors["campaign"] = "欢送新兵须选择征兵批次。"
    elif kind != ActivityKind.SEND_OFF:
        campaign = None
    elif campaign.county_id != township.code[:6] + "000000":
        errors["campaign"] = "该征兵批次不属于本县（区）。"
    persons, households, teams = list(persons), list(households), list(teams)
    if any(township_of(p) != township.code for p in persons):
        errors["persons"] = "参加人员须为本乡镇（街道）的人员。"
    if any(t.township_id != township.code for t in teams):
        errors["teams"] = "参加队伍须为本乡镇（街道）的队伍。"
    _raise(errors)
    activity = JointActivity.objects.create(
        township=township, kind=kind, title=title, held_on=held_on, place=place, organiser=organiser,
        campaign=campaign, notes=notes.strip(), recorded_by=actor,
    )  # fmt: skip
    activity.persons.set(persons)
    activity.households.set(households)
    activity.teams.set(teams)
    ActivitySchool.objects.bulk_create([ActivitySchool(activity=activity, name=n) for n in school_names])
    _audit(actor, "station.activity.create", activity, township.code, {
        "kind": activity.get_kind_display(), "title": title, "held_on": held_on.isoformat(), "place": place,
        "persons": len(persons), "households": len(households), "teams": [t.name for t in teams],
        "schools": school_names,
    })  # fmt: skip
    return activity


SCHOOL_SEPARATORS = re.compile(r"[、，,；;\n]+")


def _school_names(errors: dict, text: str) -> list[str]:
    """The distinct school names of a 、- or comma-separated list, each a plain name."""
    names = list(dict.fromkeys(n.strip() for n in SCHOOL_SEPARATORS.split(text) if n.strip()))
    for name in names:
        if len(name) > 100:
            errors["schools"] = f"学校名称过长（不超过 100 字）：{name[:20]}…"
        elif problem := name_problem(name):
            errors["schools"] = problem
    return names


@transaction.atomic
def add_school(*, actor: User | None, activity: JointActivity, name: str) -> ActivitySchool:
    """A school that took part, added after the activity was recorded."""
    errors: dict[str, str] = {}
    names = _school_names(errors, name)
    if not names and not errors:
        errors["school"] = "请填写学校名称。"
    elif len(names) > 1:
        errors["school"] = "请一次填写一所学校。"
    _raise({("school" if k == "schools" else k): v for k, v in errors.items()})
    if activity.schools.filter(name=names[0]).exists():
        raise ValidationError({"school": f"{names[0]}已在参加学校中。"})
    school = ActivitySchool.objects.create(activity=activity, name=names[0])
    _audit(actor, "station.activity.school", activity, activity.township_id, {"school": school.name})
    return school


@transaction.atomic
def add_household(*, actor: User | None, activity: JointActivity, household: Household) -> None:
    """A family that took part (a military family at a 双拥 event): the household, not each member."""
    if household.region_id[:9] + "000" != activity.township_id:
        raise ValidationError({"household_member": "参加家庭须为本乡镇（街道）的户。"})
    if activity.households.filter(pk=household.pk).exists():
        raise ValidationError({"household_member": "该户已在参加家庭中。"})
    activity.households.add(household)
    _audit(actor, "station.activity.household", activity, activity.township_id, {"household": household.pk})


MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png"}


@transaction.atomic
def add_photo(
    *, actor: User | None, activity: JointActivity, content: bytes, filename: str, title: str = ""
) -> ActivityPhoto:
    """Stores a photo of the activity sealed in the documents store (core.files), checksummed. Its
    type comes from its bytes — JPEG or PNG, checked by Pillow — never from the name or header."""
    if not content:
        raise ValidationError({"photo": "照片文件为空。"})
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": f"照片超过 {MAX_PHOTO_BYTES // (1024 * 1024)} MB，请压缩后再上传。"})
    try:
        file_type = filetypes.detect(content)
    except ValidationError as refused:
        raise ValidationError({"photo": refused.message_dict["file"]}) from None
    if file_type.content_type not in PHOTO_TYPES:
        raise ValidationError({"photo": "活动照片只能是 JPG 或 PNG 图片。"})
    errors: dict[str, str] = {}
    title = _text(errors, "title", title[:100], required=False)
    _raise(errors)
    digest = hashlib.sha256(content).hexdigest()
    if activity.photos.filter(sha256=digest).exists():
        raise ValidationError({"photo": "这张照片已经上传过。"})
    relative = f"activities/{activity.pk}/{digest}{file_type.suffix}"
    files.write("documents", relative, [content])
    photo = ActivityPhoto.objects.create(
        activity=activity, title=title, path=relative, sha256=digest, size=len(content),
        content_type=file_type.content_type, uploaded_by=actor,
    )  # fmt: skip
    _audit(actor, "station.activity.photo", activity, activity.township_id, {
        "photo": photo.pk, "sha256": digest, "size": len(content), "filename": filename[:100],
    })  # fmt: skip
    return photo


def read_activity_photo(*, photo: ActivityPhoto) -> bytes:
    """A photo shown on the activity's page, decrypted and checked against its checksum. A read:
    the activity page is not an audited view (it names no one's personal data beyond names)."""
    try:
        content = files.read("documents", photo.path)
    except crypto.DecryptionError:
        raise ValidationError("照片校验失败：存储的文件无法解密，可能已被改动。") from None
    if hashlib.sha256(content).hexdigest() != photo.sha256:
        raise ValidationError("照片校验失败：存储的文件与上传时不一致。")
    return content


@transaction.atomic
def add_participant(*, actor: User | None, activity: JointActivity, person: Person) -> None:
    if township_of(person) != activity.township_id:
        raise ValidationError({"member": "参加人员须为本乡镇（街道）的人员。"})
    activity.persons.add(person)
    audit_person(actor, "station.activity.join", person, {"activity": activity.title},
                 region_code=activity.township_id)  # fmt: skip


@transaction.atomic
def deliver_gift_packs(
    *, actor: User, activity: JointActivity, tasks: list[Task], received_by: dict[int, str], signed: bool
) -> int:
    """娄底 "一次送到": at the send-off every recruit's family receives its 入伍礼包 at once. Each is
    recorded through care.services.record_gift_pack, so each GIFT_PACK task closes and its event
    (光荣牌 hung) follows by the rules table; one missing name refuses them all."""
    if activity.kind != ActivityKind.SEND_OFF:
        raise ValidationError("只有欢送新兵活动可以集中送达入伍礼包。")
    if not tasks:
        raise ValidationError("没有待送达入伍礼包的新兵。")
    errors: dict[str, str] = {}
    for task in tasks:
        name = received_by.get(task.pk, "").strip()
        if not name:
            errors[f"received_by_{task.pk}"] = f"请填写{task.person.name}家签收家属姓名。"
    _raise(errors)
    items = [field for field, _ in GIFT_PACK_ITEMS]
    for task in tasks:
        record_gift_pack(
            actor=actor, task=task, delivered_on=activity.held_on, received_by=received_by[task.pk],
            items=items, signed=signed, notes=f"{activity.title}（{activity.place}）集中送达",
        )  # fmt: skip
        activity.persons.add(task.person)
        if task.person.household_id:
            activity.households.add(task.person.household_id)
    _audit(actor, "station.activity.gift_packs", activity, activity.township_id, {
        "delivered_on": activity.held_on.isoformat(), "recruits": [t.person.name for t in tasks],
    })  # fmt: skip
    return len(tasks)


# --- 荣誉展示 -------------------------------------------------------------------------------------


@transaction.atomic
def add_honor(
    *, actor: User | None, person: Person, kind: str, title: str, consent_on: datetime.date | None,
    photo_consented: bool = False,
) -> HonorEntry:  # fmt: skip
    """On the hall's honor roll only with the person's consent, recorded with its date."""
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, "请填写荣誉名称。")
    if kind not in HonorKind.values:
        errors["kind"] = "请选择类别。"
    if consent_on is None:
        errors["consent_on"] = "须有本人（或家属）同意展示的书面记录，请填写同意日期。"
    else:
        _date(errors, "consent_on", consent_on, "同意日期", born=person.birth_date)
    _raise(errors)
    entry = HonorEntry.objects.create(
        township_id=township_of(person), person=person, kind=kind, title=title, consent_on=consent_on,
        photo_consented=photo_consented, recorded_by=actor,
    )  # fmt: skip
    audit_person(actor, "station.honor.add", person, {
        "kind": entry.get_kind_display(), "title": title, "consent_on": consent_on.isoformat(),
        "photo": photo_consented,
    }, region_code=entry.township_id)  # fmt: skip
    return entry


@transaction.atomic
def withdraw_honor(*, actor: User | None, entry: HonorEntry, on: datetime.date) -> HonorEntry:
    """Consent withdrawn: off the screen from that day; the line is kept for the record."""
    errors: dict[str, str] = {}
    _date(errors, "on", on, "撤回日期")
    if entry.withdrawn_on is not None:
        errors["on"] = "已撤回。"
    _raise(errors)
    entry.withdrawn_on = on
    entry.save(update_fields=["withdrawn_on"])
    audit_person(actor, "station.honor.withdraw", entry.person, {"title": entry.title, "on": on.isoformat()},
                 region_code=entry.township_id)  # fmt: skip
    return entry


# --- 档案管理 -------------------------------------------------------------------------------------


@transaction.atomic
def receive_file(
    *, actor: User, task: Task, received_on: datetime.date, sent_by: str, box: str, shelf: str,
    pages: int | None = None,
) -> ArchiveFile:  # fmt: skip
    """档案接收 for a FILE_TRANSFER task: the paper file goes into the register and the task closes."""
    task = Task.objects.select_for_update(of=("self",)).select_related("person").get(pk=task.pk)
    if task.kind != TaskKind.FILE_TRANSFER or task.person_id is None:
        raise ValidationError("该待办不是档案接收。")
    person = task.person
    errors: dict[str, str] = {}
    sent_by = _text(errors, "sent_by", sent_by, "请填写移交单位。")
    box = _text(errors, "box", box, "请填写盒号。")
    shelf = _text(errors, "shelf", shelf, "请填写架位。")
    _date(errors, "received_on", received_on, "接收日期", born=person.birth_date)
    if ArchiveFile.objects.filter(person=person).exists():
        errors["box"] = f"{person.name}的档案已登记在册。"
    _raise(errors)
    archive = ArchiveFile.objects.create(
        person=person, township_id=township_of(person), task=task, received_on=received_on, sent_by=sent_by,
        box=box, shelf=shelf, pages=pages, recorded_by=actor,
    )  # fmt: skip
    audit_person(actor, "station.archive.receive", person, {
        "received_on": received_on.isoformat(), "sent_by": sent_by, "box": box, "shelf": shelf,
    }, region_code=archive.township_id)  # fmt: skip
    complete(actor=actor, task=task, on=received_on,
             outcome=f"档案已于{chinese_date(received_on)}接收，存{shelf}架{box}盒。")  # fmt: skip
    return archive


@transaction.atomic
def lend_file(
    *, actor: User | None, archive: ArchiveFile, borrower: str, purpose: str, lent_on: datetime.date
) -> ArchiveLoan:
    archive = ArchiveFile.objects.select_for_update().select_related("person").get(pk=archive.pk)
    errors: dict[str, str] = {}
    borrower = _text(errors, "borrower", borrower, "请填写借阅人。")
    purpose = _text(errors, "purpose", purpose, "请填写借阅事由。")
    _date(errors, "lent_on", lent_on, "借出日期")
    if "lent_on" not in errors and lent_on < archive.received_on:
        errors["lent_on"] = "借出日期不能早于接收日期。"
    if archive.loans.filter(returned_on__isnull=True).exists():
        errors["borrower"] = "该档案已借出，尚未归还。"
    _raise(errors)
    loan = ArchiveLoan.objects.create(
        archive=archive, borrower=borrower, purpose=purpose, lent_on=lent_on, recorded_by=actor
    )
    audit_person(actor, "station.archive.lend", archive.person, {
        "borrower": borrower, "purpose": purpose, "lent_on": lent_on.isoformat(),
    }, region_code=archive.township_id)  # fmt: skip
    return loan


@transaction.atomic
def return_file(*, actor: User | None, loan: ArchiveLoan, returned_on: datetime.date) -> ArchiveLoan:
    loan = ArchiveLoan.objects.select_for_update().select_related("archive__person").get(pk=loan.pk)
    errors: dict[str, str] = {}
    if loan.returned_on is not None:
        errors["returned_on"] = "该次借阅已归还。"
    else:
        _date(errors, "returned_on", returned_on, "归还日期")
        if "returned_on" not in errors and returned_on < loan.lent_on:
            errors["returned_on"] = "归还日期不能早于借出日期。"
    _raise(errors)
    loan.returned_on = returned_on
    loan.save(update_fields=["returned_on"])
    audit_person(actor, "station.archive.return", loan.archive.person, {
        "borrower": loan.borrower, "returned_on": returned_on.isoformat(),
    }, region_code=loan.archive.township_id)  # fmt: skip
    return loan
