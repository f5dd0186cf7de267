"""Writes after service: discharge and the other service-ending facts, 报到, 建档立卡, employment,
assistance and the 优待证. Facts that set off follow-up go through lifecycle.emit."""

from __future__ import annotations

import datetime
import io
import statistics

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from yizhan.accounts.roles import Role
from yizhan.audit.services import record
from yizhan.core.dates import check_date
from yizhan.lifecycle.models import EventKind, StatusChange
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import Award, Identity, IdentityKind, Person, ServiceRecord, ServiceType
from yizhan.text import check_name
from yizhan.veterans.models import (
    AssistanceCase,
    AssistanceStatus,
    CardStatus,
    CardType,
    Checkin,
    EmploymentService,
    PreferentialCard,
    ProfileRecord,
    YearlyConfirmation,
)
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind
from yizhan.worklist.services import complete as complete_task

CHECKIN_DAYS = 30


def _audit(actor, action: str, person: Person, changes: dict, reason: str = "") -> None:
    record(
        actor=actor,
        action=action,
        object_type="person",
        object_id=person.pk,
        region_code=person.region_id,
        changes=changes,
        reason=reason,
    )


def _close_task(actor, person: Person, kind: str, outcome: str) -> None:
    """Doing the work closes its task (if one is open for the person)."""
    for task in Task.objects.filter(person=person, kind=kind, status__in=OPEN_STATUSES):
        complete_task(actor=actor, task=task, outcome=outcome)


def _open_service(person: Person) -> ServiceRecord:
    service = person.service_records.filter(discharged_on__isnull=True).order_by("-enlisted_on").first()
    if service is None:
        raise ValidationError("此人没有服役中的记录。")
    return service


@transaction.atomic
def record_discharge(
    *, actor, person: Person, on: datetime.date, settlement_type: str, certificate_no: str = ""
) -> ServiceRecord:
    """退出现役: sets off veteran identity, family recomputation and the S/A tasks (rules.py)."""
    check_date(on, field="on", born=person.birth_date)
    service = _open_service(person)
    if on < service.enlisted_on:
        raise ValidationError({"on": "退役日期不能早于入伍日期。"})
    if not settlement_type:
        raise ValidationError({"settlement_type": "请选择安置方式。"})
    # The settlement is written with the discharge date by the rule that closes the record: one
    # write of the service record, audited once (person.service.close).
    emit(
        kind=EventKind.DISCHARGED,
        key=f"service:{service.pk}",
        person=person,
        occurred_on=on,
        actor=actor,
        payload={"settlement_type": settlement_type, "discharge_certificate_no": certificate_no.strip()},
    )
    service.refresh_from_db()
    return service


@transaction.atomic
def record_death(*, actor, person: Person, on: datetime.date, subtype: str) -> None:
    """烈士 / 因公牺牲 / 病故 in service: the family becomes 遗属 (rules.py)."""
    check_date(on, field="on", born=person.birth_date)
    service = _open_service(person)
    if on < service.enlisted_on:
        raise ValidationError({"on": "日期不能早于入伍日期。"})
    if subtype not in {"martyr", "died_on_duty", "died_of_illness"}:
        raise ValidationError({"subtype": "请选择：烈士、因公牺牲或病故。"})
    emit(
        kind=EventKind.DIED_IN_SERVICE,
        key=f"service:{service.pk}",
        person=person,
        occurred_on=on,
        actor=actor,
        payload={"subtype": subtype},
    )


@transaction.atomic
def record_status_change(*, actor, person: Person, on: datetime.date, change: str) -> None:
    """提干, 军校 or 转改军士 ends the 义务兵 status: the family allowance stops (rules.py)."""
    check_date(on, field="on", born=person.birth_date)
    if change not in StatusChange.values:
        raise ValidationError({"change": "请选择：提干、考入军校或选改军士。"})
    service = _open_service(person)
    if on < service.enlisted_on:
        raise ValidationError({"on": "日期不能早于入伍日期。"})
    service.service_type = {
        StatusChange.PROMOTED_OFFICER: ServiceType.OFFICER,
        StatusChange.NCO_CONVERSION: ServiceType.NCO,
    }.get(change, service.service_type)
    service.save(update_fields=["service_type"])
    _audit(
        actor,
        "person.service.type",
        person,
        {"service_type": service.get_service_type_display(), "change": change},
    )
    emit(
        kind=EventKind.STATUS_CHANGED,
        key=f"service:{service.pk}:{change}",
        person=person,
        occurred_on=on,
        actor=actor,
        payload={"change": change},
    )


@transaction.atomic
def record_award(
    *,
    actor,
    person: Person,
    level: str,
    awarded_on: datetime.date,
    notice_number: str = "",
    received_on: datetime.date | None = None,
) -> Award:
    """立功受奖 of a serving member: the 喜报 delivery and the bonus follow (rules.py). The event
    is dated when the unit's notice reached the station: the two working days count from then."""
    check_date(awarded_on, field="awarded_on", born=person.birth_date)
    check_date(received_on, field="received_on", born=person.birth_date)
    if not person.identities.filter(
        Identity.current_q(awarded_on), kind=IdentityKind.ACTIVE_SERVICEMEMBER
    ).exists():
        raise ValidationError("只有现役军人的立功受奖才送喜报；退役前的奖励请在“服役”中补录。")
    award = people_services.add_award(
        actor=actor, person=person, level=level, awarded_on=awarded_on, notice_number=notice_number
    )
    received_on = received_on or timezone.localdate()
    if received_on < awarded_on:
        raise ValidationError({"received_on": "收到通知日期不能早于授予日期。"})
    emit(
        kind=EventKind.AWARD_RECORDED,
        key=f"award:{award.pk}",
        person=person,
        occurred_on=received_on,
        actor=actor,
        payload={"award": award.pk, "level": level},
    )
    return award


@transaction.atomic
def record_checkin(
    *, actor, person: Person, on: datetime.date, documents: list[str], late_reason: str = ""
) -> Checkin:
    check_date(on, field="on", born=person.birth_date)
    service = person.service_records.filter(discharged_on__isnull=False).order_by("-discharged_on").first()
    if service is None:
        raise ValidationError("没有退役记录，不能办理报到。")
    if hasattr(service, "checkin"):
        raise ValidationError("本次退役已办理报到。")
    if on < service.discharged_on:
        raise ValidationError({"on": "报到日期不能早于退役日期。"})
    late = (on - service.discharged_on).days > CHECKIN_DAYS
    if late and not late_reason.strip():
        raise ValidationError({"late_reason": f"退役后 {CHECKIN_DAYS} 天内未报到，请填写逾期原因。"})
    checkin = Checkin.objects.create(
        person=person,
        service_record=service,
        checked_in_on=on,
        documents=documents,
        late_reason=late_reason.strip(),
        recorded_by=actor,
    )
    _audit(actor, "veteran.checkin", person, {"on": on.isoformat(), "documents": documents, "late": late})
    _close_task(
        actor, person, TaskKind.DISCHARGE_CHECKIN, f"{on:%Y-%m-%d} 已报到" + ("（逾期）" if late else "")
    )
    return checkin


@transaction.atomic
def save_profile(*, actor, person: Person, on: datetime.date, **fields) -> ProfileRecord:
    """建档立卡: creates or updates the profile record; creating it closes the task."""
    check_date(on, field="on", born=person.birth_date)
    profile = ProfileRecord.objects.filter(person=person).first()
    created = profile is None
    if created:
        profile = ProfileRecord(person=person, created_on=on, created_by=actor)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    _audit(
        actor,
        "veteran.profile.create" if created else "veteran.profile.update",
        person,
        {k: str(v) for k, v in fields.items() if k != "notes"},
    )
    if created:
        _close_task(
            actor,
            person,
            TaskKind.PROFILE_RECORD,
            f"{on:%Y-%m-%d} 已建档立卡（{profile.get_category_display()}）",
        )
    return profile


@transaction.atomic
def confirm_year(
    *, actor, profile: ProfileRecord, year: int, on: datetime.date, alive: bool, status_note: str = ""
) -> YearlyConfirmation:
    check_date(on, field="on", born=profile.person.birth_date)
    if profile.confirmations.filter(year=year).exists():
        raise ValidationError(f"{year} 年已完成年度确认。")
    confirmation = YearlyConfirmation.objects.create(
        profile=profile, year=year, confirmed_on=on, alive=alive, status_note=status_note, confirmed_by=actor
    )
    _audit(actor, "veteran.confirm", profile.person, {"year": year, "alive": alive})
    return confirmation


@transaction.atomic
def add_employment_service(
    *, actor, person: Person, kind: str, on: datetime.date, details: str, outcome: str = ""
) -> EmploymentService:
    check_date(on, field="on", born=person.birth_date)
    service = EmploymentService(
        person=person, kind=kind, on=on, details=details, outcome=outcome, recorded_by=actor
    )
    service.full_clean()
    service.save()
    _audit(actor, "veteran.employment", person, {"kind": service.get_kind_display(), "on": on.isoformat()})
    return service


# 帮扶援助: from status → statuses it may move to (one table, checked in one place).
ASSISTANCE_FLOW = {
    AssistanceStatus.APPLIED: [AssistanceStatus.ASSESSED],
    AssistanceStatus.ASSESSED: [AssistanceStatus.APPROVED, AssistanceStatus.REJECTED],
    AssistanceStatus.APPROVED: [AssistanceStatus.PAID],
}


@transaction.atomic
def open_assistance(
    *, actor, person: Person, on: datetime.date, hardship: str, description: str
) -> AssistanceCase:
    check_date(on, field="on", born=person.birth_date)
    case = AssistanceCase.objects.create(
        person=person, applied_on=on, hardship=hardship, description=description
    )
    _audit(actor, "veteran.assistance.apply", person, {"case": case.pk, "hardship": hardship})
    return case


@transaction.atomic
def move_assistance(
    *,
    actor,
    case: AssistanceCase,
    to: str,
    note: str = "",
    amount=None,
    on: datetime.date | None = None,
    reference: str = "",
) -> AssistanceCase:
    check_date(on, field="on", born=case.person.birth_date)
    if to not in ASSISTANCE_FLOW.get(case.status, []):
        raise ValidationError(
            f"帮扶案件不能从“{case.get_status_display()}”转为“{AssistanceStatus(to).label}”。"
        )
    if to == AssistanceStatus.ASSESSED:
        if not note.strip():
            raise ValidationError({"note": "请填写评估意见。"})
        case.assessment = note
    elif to in {AssistanceStatus.APPROVED, AssistanceStatus.REJECTED}:
        if to == AssistanceStatus.APPROVED and not amount:
            raise ValidationError({"amount": "批准帮扶须填写金额。"})
        case.decision_note, case.amount = note, amount
    elif to == AssistanceStatus.PAID:
        if on is None or not reference.strip():
            raise ValidationError({"reference": "请填写发放日期和凭证号。"})
        case.paid_on, case.payment_reference = on, reference.strip()
    case.status = to
    case.save()
    _audit(actor, "veteran.assistance." + to, case.person, {"case": case.pk, "amount": str(amount or "")})
    return case


# ---- 优待证 -------------------------------------------------------------------------------

PHOTO_SIZE = (352, 440)
HOME_SERVICE_AGE = 80  # 80 岁以上 (or bed-bound): the station goes to the applicant
REFUSAL_GROUNDS = {
    "expelled": "被开除军籍或除名",
    "deprived": "被依法剥夺政治权利",
    "serving_sentence": "正在服刑",
    "in_custody": "被羁押",
    "wanted": "被通缉",
}


def card_eligibility(person: Person) -> tuple[str | None, str]:
    """(card type, "") when the person may apply, or (None, the reason in Chinese)."""
    current = {i.kind for i in person.identities.filter(Identity.current_q())}
    if IdentityKind.VETERAN in current:
        card_type = CardType.VETERAN
    elif IdentityKind.BEREAVED_FAMILY in current:
        card_type = CardType.BEREAVED
    else:
        return None, "优待证发放对象为退役军人和烈士、因公牺牲军人、病故军人遗属；此人目前没有这些身份。"
    if not hasattr(person, "profile_record"):
        return None, "请先办理建档立卡，再申领优待证。"
    if person.preferential_cards.exclude(status=CardStatus.RETURNED).exists():
        return None, "此人已申领优待证，正在办理或已发放。"
    return card_type, ""


def prefill(person: Person) -> dict:
    """Everything the registry already knows for the application form."""
    service = person.service_records.order_by("-enlisted_on").first()
    return {
        "name": person.name,
        "sex": person.get_sex_display(),
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "ethnicity": person.ethnicity,
        "id_number_masked": person.id_number_masked,
        "region": person.region.full_name,
        "address": person.address,
        "phone_masked": person.phone_masked,
        "enlisted_on": service.enlisted_on.isoformat() if service else "",
        "discharged_on": service.discharged_on.isoformat() if service and service.discharged_on else "",
        "branch": service.get_branch_display() if service else "",
        "settlement_type": service.get_settlement_type_display() if service else "",
        "discharge_certificate_no": service.discharge_certificate_no if service else "",
        "awards": [f"{a.get_level_display()}（{a.awarded_on:%Y年%-m月}）" for a in person.awards.all()],
    }


def check_photo(content: bytes) -> None:
    """白底 352×440 px: the proportions (a larger photo of the same shape is fine) and a light,
    even background."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            background = _background_strip(image)
    except (UnidentifiedImageError, OSError):
        raise ValidationError({"photo": "照片无法识别，请上传 JPG 或 PNG 图片。"}) from None
    if abs(width / height - PHOTO_SIZE[0] / PHOTO_SIZE[1]) > 0.02:
        raise ValidationError(
            {
                "photo": f"照片比例不符：应为 {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} 像素（宽:高 = 4:5），上传的是 {width}×{height}。"
            }
        )
    if width < PHOTO_SIZE[0]:
        raise ValidationError(
            {"photo": f"照片太小：至少 {PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} 像素，上传的是 {width}×{height}。"}
        )
    luminance = statistics.fmean(background)
    if luminance < settings.CARD_PHOTO_BACKGROUND_MIN_LUMINANCE:
        raise ValidationError({"photo": "照片背景偏暗：优待证照片须为白色（浅色）背景，请重新拍摄。"})
    if statistics.pstdev(background, luminance) > settings.CARD_PHOTO_BACKGROUND_MAX_DEVIATION:
        raise ValidationError({"photo": "照片背景不均匀（有阴影或杂物）：须为纯白色背景，请重新拍摄。"})


def _background_strip(image: Image.Image) -> list[int]:
    """Luminance of the border where only background shows: the top tenth, and the outer tenth
    of each side down to 60 % of the height (below, the shoulders reach the edges). Read from a
    reduced copy, so a large photo costs no more than a small one."""
    small = image.convert("L").resize((88, 110))
    width, height = small.size
    edge, side_depth = width // 10, height * 6 // 10
    strips = [(0, 0, width, height // 10), (0, 0, edge, side_depth), (width - edge, 0, width, side_depth)]
    return [value for box in strips for value in small.crop(box).tobytes()]  # one byte per pixel in "L"


def needs_home_service(person: Person, *, on: datetime.date, bed_bound: bool) -> bool:
    age = person.age(on)
    return bed_bound or (age is not None and age >= HOME_SERVICE_AGE)


@transaction.atomic
def apply_card(
    *, actor, person: Person, on: datetime.date, photo_content: bytes | None, photo_name: str = "photo.jpg",
    applicant: str = "本人", bed_bound: bool = False, refusal_grounds: list[str] | None = None, phone: str = "",
) -> PreferentialCard:  # fmt: skip
    """受理: the clerk confirms what is known and adds only what is missing (photo, phone).
    Home service follows from the facts: aged 80 or over on the application date, or bed-bound."""
    check_date(on, field="on", born=person.birth_date)
    check_name(applicant, field="applicant", label="申请人")
    card_type, reason = card_eligibility(person)
    if card_type is None:
        raise ValidationError(reason)
    grounds = [REFUSAL_GROUNDS[g] for g in refusal_grounds or []]
    if grounds:
        raise ValidationError(f"不予受理：{'、'.join(grounds)}。")
    if phone and not person.phone:
        person = people_services.update_person(
            actor=actor, person=person, expected_version=person.version, phone=phone
        )
    if photo_content:
        check_photo(photo_content)
        photo = people_services.attach_document(
            actor=actor,
            person=person,
            kind="photo",
            title="优待证照片",
            content=photo_content,
            filename=photo_name,
        )
    elif person.photo_id:
        photo = person.photo
    else:
        raise ValidationError({"photo": "请上传白底证件照（352×440 像素）。"})
    card = PreferentialCard.objects.create(
        person=person, card_type=card_type, photo=photo, applicant=applicant.strip() or "本人", bed_bound=bed_bound,
        home_service=needs_home_service(person, on=on, bed_bound=bed_bound),
        snapshot=prefill(person), accepted_on=on, accepted_by=actor,
    )  # fmt: skip
    _audit(
        actor,
        "card.accepted",
        person,
        {"card": card.pk, "type": card.get_card_type_display(), "home_service": card.home_service},
    )
    return card


# 优待证: status → {next status: who may move it there}
CARD_FLOW = {
    CardStatus.ACCEPTED: {CardStatus.COUNTY_REVIEW: "station", CardStatus.RETURNED: "station"},
    CardStatus.COUNTY_REVIEW: {CardStatus.IN_PRODUCTION: "county", CardStatus.RETURNED: "county"},
    CardStatus.IN_PRODUCTION: {CardStatus.ARRIVED: "county"},
    CardStatus.ARRIVED: {CardStatus.ISSUED: "station"},
    CardStatus.RETURNED: {CardStatus.ACCEPTED: "station"},
}
STATION_ROLES = {Role.STATION_HEAD, Role.STATION_DEPUTY, Role.STATION_CLERK}


def _may(actor, who: str) -> bool:
    roles = {p.role for p in actor.active_posts}
    return bool(roles & ({Role.COUNTY_OFFICER} if who == "county" else STATION_ROLES))


@transaction.atomic
def move_card(
    *, actor, card: PreferentialCard, to: str, on: datetime.date, reason: str = "", signed_by: str = ""
) -> PreferentialCard:
    check_date(on, field="on", born=card.person.birth_date)
    allowed = CARD_FLOW.get(card.status, {})
    if to not in allowed:
        raise ValidationError(f"优待证不能从“{card.get_status_display()}”转为“{CardStatus(to).label}”。")
    if not _may(actor, allowed[to]):
        raise PermissionDenied(
            "此步骤由"
            + ("县级退役军人事务部门" if allowed[to] == "county" else "乡镇（街道）服务站")
            + "办理。"
        )
    if to == CardStatus.RETURNED and not reason.strip():
        raise ValidationError({"reason": "退回须说明原因。"})
    if to == CardStatus.ISSUED:
        if not signed_by.strip():
            raise ValidationError({"signed_by": "发放须由领取人签收。"})
        check_name(signed_by, field="signed_by", label="签收人")
        card.issued_on, card.receipt_signed_by = on, signed_by.strip()
    card.return_reason = reason.strip() if to == CardStatus.RETURNED else ""
    card.status = to
    card.save()
    _audit(actor, f"card.{to}", card.person, {"card": card.pk, "on": on.isoformat()}, reason=reason)
    return card
