"""Writes after service: discharge and the other service-ending facts, 报到, 建档立卡, employment,
assistance and the 优待证. Facts that set off follow-up go through lifecycle.emit."""

from __future__ import annotations

import datetime
import io
import statistics
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from yizhan.accounts.reveal import full_values
from yizhan.accounts.roles import require_office, steps_for
from yizhan.core.dates import check_date
from yizhan.core.flow import check_move
from yizhan.core.idnumber import chinese_date
from yizhan.core.policy_values import policy_value
from yizhan.lifecycle.models import EventKind, StatusChange
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import (
    Award,
    BereavedSubtype,
    Identity,
    IdentityKind,
    Person,
    ServiceRecord,
    ServiceType,
    SettlementType,
)
from yizhan.people.services import audit_person
from yizhan.text import check_name
from yizhan.veterans.card_steps import change_card_status
from yizhan.veterans.models import (
    AssistanceCase,
    AssistanceStatus,
    CardStatus,
    CardType,
    Checkin,
    EmploymentService,
    PreferentialCard,
    ProfileCategory,
    ProfileRecord,
    YearlyConfirmation,
)
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind
from yizhan.worklist.services import complete as complete_task


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
    type_before = service.service_type
    service.service_type = {
        StatusChange.PROMOTED_OFFICER: ServiceType.OFFICER,
        StatusChange.NCO_CONVERSION: ServiceType.NCO,
    }.get(change, service.service_type)
    service.save(update_fields=["service_type"])
    audit_person(
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
        # The type before, so a withdrawn status change gives it back (desk/corrections.py).
        payload={"change": change, "service_type_before": type_before},
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
    allowed = policy_value("checkin.days", region_code=person.region_id, on=service.discharged_on)
    late = (on - service.discharged_on).days > allowed
    if late and not late_reason.strip():
        raise ValidationError({"late_reason": f"退役后 {allowed} 天内未报到，请填写逾期原因。"})
    checkin = Checkin.objects.create(
        person=person,
        service_record=service,
        checked_in_on=on,
        documents=documents,
        late_reason=late_reason.strip(),
        recorded_by=actor,
    )
    audit_person(
        actor, "veteran.checkin", person, {"on": on.isoformat(), "documents": documents, "late": late}
    )
    emit(
        kind=EventKind.CHECKIN_RECORDED,
        key=f"checkin:{checkin.pk}",
        person=person,
        occurred_on=on,
        actor=actor,
    )
    _close_task(
        actor, person, TaskKind.DISCHARGE_CHECKIN, f"{chinese_date(on)}已报到" + ("（逾期）" if late else "")
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
    audit_person(
        actor,
        "veteran.profile.create" if created else "veteran.profile.update",
        person,
        {k: str(v) for k, v in fields.items() if k != "notes"},
    )
    if created:
        emit(
            kind=EventKind.PROFILE_RECORDED,
            key=f"profile:{profile.pk}",
            person=person,
            occurred_on=on,
            actor=actor,
        )
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
    audit_person(actor, "veteran.confirm", profile.person, {"year": year, "alive": alive})
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
    audit_person(
        actor, "veteran.employment", person, {"kind": service.get_kind_display(), "on": on.isoformat()}
    )
    emit(
        kind=EventKind.EMPLOYMENT_SERVED,
        key=f"employment:{service.pk}",
        person=person,
        occurred_on=on,
        actor=actor,
        payload={"kind": service.kind},
    )
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
    audit_person(actor, "veteran.assistance.apply", person, {"case": case.pk, "hardship": hardship})
    emit(
        kind=EventKind.ASSISTANCE_APPLIED,
        key=f"assistance:{case.pk}",
        person=person,
        occurred_on=on,
        actor=actor,
    )
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
    check_move(ASSISTANCE_FLOW, case.status, to, label=lambda s: AssistanceStatus(s).label, what="帮扶案件")
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
    audit_person(
        actor, "veteran.assistance." + to, case.person, {"case": case.pk, "amount": str(amount or "")}
    )
    return case


# ---- 优待证 -------------------------------------------------------------------------------

REFUSAL_GROUNDS = {
    "expelled": "被开除军籍或除名",
    "deprived": "被依法剥夺政治权利",
    "serving_sentence": "正在服刑",
    "in_custody": "被羁押",
    "wanted": "被通缉",
}


class Eligibility(NamedTuple):
    """Whether the person may apply for the 优待证 now. `needs_profile`: the one gap the
    application page closes in place (建档立卡), so the clerk is not sent elsewhere."""

    card_type: str | None
    reason: str = ""
    needs_profile: bool = False


def card_eligibility(person: Person) -> Eligibility:
    """The card type when the person may apply, or None with the reason in Chinese."""
    current = {i.kind for i in person.identities.filter(Identity.current_q())}
    if IdentityKind.VETERAN in current:
        card_type = CardType.VETERAN
    elif IdentityKind.BEREAVED_FAMILY in current:
        card_type = CardType.BEREAVED
    else:
        return Eligibility(
            None, "优待证发放对象为退役军人和烈士、因公牺牲军人、病故军人遗属；此人目前没有这些身份。"
        )
    if person.preferential_cards.exclude(status=CardStatus.RETURNED).exists():
        return Eligibility(None, "此人已申领优待证，正在办理或已发放。")
    if not hasattr(person, "profile_record"):
        return Eligibility(None, "请先办理建档立卡，再申领优待证。", needs_profile=True)
    return Eligibility(card_type)


# 建档立卡's category as the service record suggests it: the settlement first (a 转业 officer, a
# retired cadre, a 复员 soldier), then the service type; 遗属 by the subtype of their identity.
CATEGORY_BY_SETTLEMENT = {
    SettlementType.TRANSFERRED: ProfileCategory.TRANSFERRED_OFFICER,
    SettlementType.RETIRED: ProfileCategory.RETIRED_CADRE,
    SettlementType.DEMOBILIZED: ProfileCategory.DEMOBILIZED,
}
CATEGORY_BY_BEREAVEMENT = {
    BereavedSubtype.MARTYR: ProfileCategory.MARTYR_FAMILY,
    BereavedSubtype.DIED_ON_DUTY: ProfileCategory.DIED_ON_DUTY_FAMILY,
    BereavedSubtype.DIED_OF_ILLNESS: ProfileCategory.DIED_OF_ILLNESS_FAMILY,
}


def propose_category(person: Person) -> str:
    """The 建档立卡 category proposed to the clerk (who confirms or changes it)."""
    bereaved = person.identities.filter(Identity.current_q(), kind=IdentityKind.BEREAVED_FAMILY).first()
    if bereaved is not None and bereaved.subtype in CATEGORY_BY_BEREAVEMENT:
        return CATEGORY_BY_BEREAVEMENT[bereaved.subtype]
    service = person.service_records.filter(discharged_on__isnull=False).order_by("-discharged_on").first()
    if service is None:
        return ProfileCategory.DISCHARGED_SOLDIER
    if service.settlement_type in CATEGORY_BY_SETTLEMENT:
        return CATEGORY_BY_SETTLEMENT[service.settlement_type]
    if service.service_type == ServiceType.OFFICER:
        return ProfileCategory.TRANSFERRED_OFFICER
    return ProfileCategory.DISCHARGED_SOLDIER


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


def photo_size(*, region_code: str, on: datetime.date) -> tuple[int, int]:
    """(width, height) in pixels of the card photo (参数设置; 352×440 nationally)."""
    return (
        policy_value("card.photo_width", region_code=region_code, on=on),
        policy_value("card.photo_height", region_code=region_code, on=on),
    )


def check_photo(content: bytes, *, size: tuple[int, int]) -> None:
    """白底, `size` px: the proportions (a larger photo of the same shape is fine) and a light,
    even background."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            background = _background_strip(image)
    except (UnidentifiedImageError, OSError):
        raise ValidationError({"photo": "照片无法识别，请上传 JPG 或 PNG 图片。"}) from None
    wanted_width, wanted_height = size
    if abs(width / height - wanted_width / wanted_height) > 0.02:
        raise ValidationError(
            {"photo": f"照片比例不符：应为 {wanted_width}×{wanted_height} 像素，上传的是 {width}×{height}。"}
        )
    if width < wanted_width:
        raise ValidationError(
            {"photo": f"照片太小：至少 {wanted_width}×{wanted_height} 像素，上传的是 {width}×{height}。"}
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
    """Bed-bound, or of the home-service age (参数设置; 80 nationally): the station goes to him."""
    age = person.age(on)
    threshold = policy_value("card.home_service_age", region_code=person.region_id, on=on)
    return bed_bound or (age is not None and age >= threshold)


@transaction.atomic
def apply_card(
    *, actor, person: Person, on: datetime.date, photo_content: bytes | None, photo_name: str = "photo.jpg",
    applicant: str = "本人", bed_bound: bool = False, refusal_grounds: list[str] | None = None, phone: str = "",
) -> PreferentialCard:  # fmt: skip
    """受理: the clerk confirms what is known and adds only what is missing (photo, phone).
    Home service follows from the facts: aged 80 or over on the application date, or bed-bound."""
    check_date(on, field="on", born=person.birth_date)
    check_name(applicant, field="applicant", label="申请人")
    card_type, reason, _ = card_eligibility(person)
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
        check_photo(photo_content, size=photo_size(region_code=person.region_id, on=on))
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
        width, height = photo_size(region_code=person.region_id, on=on)
        raise ValidationError({"photo": f"请上传白底证件照（{width}×{height} 像素）。"})
    card = PreferentialCard.objects.create(
        person=person, card_type=card_type, photo=photo, applicant=applicant.strip() or "本人", bed_bound=bed_bound,
        home_service=needs_home_service(person, on=on, bed_bound=bed_bound),
        snapshot=prefill(person), accepted_on=on, accepted_by=actor,
    )  # fmt: skip
    change_card_status(card=card, to=CardStatus.ACCEPTED, on=on)
    audit_person(
        actor,
        "card.accepted",
        person,
        {"card": card.pk, "type": card.get_card_type_display(), "home_service": card.home_service},
    )
    emit(kind=EventKind.CARD_ACCEPTED, key=f"card:{card.pk}", person=person, occurred_on=on, actor=actor)
    return card


# 优待证: status → {next status: the office that takes that step (accounts.roles.OFFICES)}
CARD_FLOW = {
    CardStatus.ACCEPTED: {CardStatus.COUNTY_REVIEW: "station", CardStatus.RETURNED: "station"},
    CardStatus.COUNTY_REVIEW: {CardStatus.IN_PRODUCTION: "county", CardStatus.RETURNED: "county"},
    CardStatus.IN_PRODUCTION: {CardStatus.ARRIVED: "county"},
    CardStatus.ARRIVED: {CardStatus.ISSUED: "station"},
    CardStatus.RETURNED: {CardStatus.ACCEPTED: "station"},
}


def card_steps(*, user, card: PreferentialCard) -> list[str]:
    """The steps of the card that the user's office takes now: the card page's buttons."""
    return steps_for(user, CARD_FLOW, card.status)


@transaction.atomic
def move_card(
    *, actor, card: PreferentialCard, to: str, on: datetime.date, reason: str = "", signed_by: str = ""
) -> PreferentialCard:
    check_date(on, field="on", born=card.person.birth_date)
    check_move(CARD_FLOW, card.status, to, label=lambda s: CardStatus(s).label, what="优待证")
    require_office(actor, CARD_FLOW[card.status][to])
    if to == CardStatus.RETURNED and not reason.strip():
        raise ValidationError({"reason": "退回须说明原因。"})
    also: dict[str, object] = {"return_reason": reason.strip() if to == CardStatus.RETURNED else ""}
    if to == CardStatus.ISSUED:
        if not signed_by.strip():
            raise ValidationError({"signed_by": "发放须由领取人签收。"})
        check_name(signed_by, field="signed_by", label="签收人")
        also |= {"issued_on": on, "receipt_signed_by": signed_by.strip()}
    change_card_status(card=card, to=to, on=on, also=also)
    audit_person(actor, f"card.{to}", card.person, {"card": card.pk, "on": on.isoformat()}, reason=reason)
    if to == CardStatus.ARRIVED:  # the station's hand-out task follows (rules.py)
        emit(
            kind=EventKind.CARD_ARRIVED,
            key=f"card:{card.pk}",
            person=card.person,
            occurred_on=on,
            actor=actor,
        )
    if to == CardStatus.ISSUED:
        # Issued again after a withdrawn hand-out: the same fact, recorded once (emit keeps the first).
        emit(
            kind=EventKind.CARD_ISSUED, key=f"card:{card.pk}", person=card.person, occurred_on=on, actor=actor
        )
        _close_task(
            actor,
            card.person,
            TaskKind.CARD_HANDOUT,
            f"{chinese_date(on)}已发放，签收人 {card.receipt_signed_by}",
        )
    return card


@transaction.atomic
def record_card_print(*, actor, card: PreferentialCard, full: bool = False, purpose: str = "") -> str:
    """The printed 优待证申请表 is audited as a print. It carries the ID number masked, in full only
    on an explicit, permitted request with a purpose (accounts.reveal), which the audit row keeps.
    Returns the number as it is printed."""
    full = full_values(actor, requested=full, purpose=purpose)
    audit_person(
        actor,
        "print",
        card.person,
        {"form": "优待证申请表", "card": card.pk, "masked": not full},
        reason=purpose.strip() if full else "",
    )
    return card.person.id_number if full else card.snapshot.get("id_number_masked", "")
