"""义务兵家庭优待金: the periods counted from 批准入伍, the recipient's bank card, the provincial
standard, and the county's payment batches."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.accounts.reveal import full_values
from yizhan.accounts.roles import VETERANS, Perm
from yizhan.benefits import exports, selectors
from yizhan.benefits.models import (
    ACCOUNT_CONTEXT,
    MAX_PERIODS,
    MONTHS_PER_PERIOD,
    AllowancePayment,
    AllowancePeriod,
    AllowanceRate,
    AllowanceRecipient,
    BatchStatus,
    PaymentBatch,
    PeriodStatus,
)
from yizhan.benefits.services._base import audit, require_reason, require_staff
from yizhan.core import crypto
from yizhan.core.dates import check_date, planning_limit
from yizhan.core.masking import mask_bank_account
from yizhan.core.policy import most_specific, policy_chain, region_label, require_officer
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.models import Person, ServiceRecord, ServiceType
from yizhan.people.services import audit_person
from yizhan.regions.models import scope_bounds
from yizhan.worklist import services as worklist_services
from yizhan.worklist.models import Task

# --- 义务兵家庭优待金: periods ------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_bounds(approved_on: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day) of each six-month period counted from 批准入伍, at most two years."""
    return [
        (
            add_months(approved_on, MONTHS_PER_PERIOD * i),
            add_months(approved_on, MONTHS_PER_PERIOD * (i + 1)) - datetime.timedelta(days=1),
        )
        for i in range(MAX_PERIODS)
    ]


@transaction.atomic
def schedule_periods(
    *, actor, service_record: ServiceRecord, graduate: bool, hardship: bool = False, cause=None
) -> list[AllowancePeriod]:
    """The four periods of a conscript's two years; other service types get none. Periods that
    exist already are kept as they are, so a replay adds nothing."""
    if service_record.service_type != ServiceType.CONSCRIPT:
        return []
    person = service_record.person
    created = []
    for sequence, (starts_on, ends_on) in enumerate(period_bounds(service_record.enlisted_on), start=1):
        period, new = AllowancePeriod.objects.get_or_create(
            service_record=service_record,
            sequence=sequence,
            defaults={
                "person": person,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "region_code": person.region_id,
                "graduate": graduate,
                "hardship": hardship,
                "cause": cause,
            },
        )
        if new:
            created.append(period)
    if created:
        audit_person(
            actor,
            "benefits.allowance.schedule",
            person,
            {
                "periods": [p.starts_on.isoformat() for p in created],
                "graduate": graduate,
                "hardship": hardship,
            },
        )
    return created


@transaction.atomic
def stop_periods(
    *, actor, person: Person, on: datetime.date, reason: str, annul: bool = False, cause=None
) -> list[AllowancePeriod]:
    """Cancels the periods starting after `on` (a started period counts whole), or every unpaid
    one when the enlistment is annulled (退兵). A period taken into an unpaid batch leaves it; a
    period already paid stays paid and is named in the audit trail for recovery."""
    periods = AllowancePeriod.objects.select_for_update().filter(person=person, status=PeriodStatus.SCHEDULED)
    if not annul:
        periods = periods.filter(starts_on__gt=on)
    stopped, already_paid = [], []
    for period in periods.order_by("sequence"):
        payment = period.payments.select_related("batch").first()
        if payment is not None and payment.batch.status == BatchStatus.PAID:
            already_paid.append(period.sequence)
            continue
        if payment is not None:
            payment.delete()
        period.status = PeriodStatus.CANCELLED
        period.stopped_on = on
        period.stop_reason = reason
        period.stopped_by = cause
        period.save(update_fields=["status", "stopped_on", "stop_reason", "stopped_by"])
        stopped.append(period)
    if stopped or already_paid:
        audit_person(
            actor,
            "benefits.allowance.stop",
            person,
            {
                "on": on.isoformat(),
                "reason": reason,
                "cancelled": [p.sequence for p in stopped],
                "paid_before_stop": already_paid,
            },
        )
    return stopped


def is_paid(period: AllowancePeriod) -> bool:
    return period.payments.filter(batch__status=BatchStatus.PAID).exists()


@transaction.atomic
def restore_periods(*, actor, person: Person, stopped_by, reason: str) -> list[AllowancePeriod]:
    """The stop was corrected or withdrawn: the periods it cancelled are due again (the corrected
    stop, re-applied, cancels those it still reaches)."""
    periods = list(AllowancePeriod.objects.select_for_update().filter(stopped_by=stopped_by))
    for period in periods:
        period.status, period.stopped_on, period.stop_reason, period.stopped_by = (
            PeriodStatus.SCHEDULED,
            None,
            "",
            None,
        )
        period.save(update_fields=["status", "stopped_on", "stop_reason", "stopped_by"])
    if periods:
        audit_person(
            actor,
            "benefits.allowance.restore",
            person,
            {"periods": [p.sequence for p in periods], "reason": reason},
        )
    return periods


@transaction.atomic
def withdraw_unpaid_periods(*, actor, person: Person, cause, reason: str) -> list[AllowancePeriod]:
    """The enlistment that scheduled the periods was corrected: those not yet paid go (with their
    place in an unpaid batch), to be counted again from the corrected date. Returns the periods
    already paid, which stay exactly as they are."""
    paid, withdrawn = [], []
    for period in AllowancePeriod.objects.select_for_update().filter(cause=cause).order_by("sequence"):
        if is_paid(period):
            paid.append(period)
            continue
        period.payments.all().delete()
        withdrawn.append(period.sequence)
        period.delete()
    if withdrawn:
        audit_person(actor, "benefits.allowance.withdraw", person, {"periods": withdrawn, "reason": reason})
    return paid


# --- 义务兵家庭优待金: recipient ------------------------------------------------------------


def normalize_account(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"\d{12,30}", digits):
        raise ValidationError({"account": "银行账号应为 12–30 位数字。"})
    return digits


@transaction.atomic
def designate_recipient(
    *,
    actor,
    servicemember: Person,
    recipient: Person,
    bank_name: str,
    account: str,
    on: datetime.date,
    graduate: bool | None = None,
    hardship: bool | None = None,
    task: Task | None = None,
) -> AllowanceRecipient:
    """Records who receives the allowance and to which card; a new designation supersedes the
    current one. With `task`, the ALLOWANCE_RECIPIENT task is closed in the same step."""
    check_date(on, field="designated_on", born=recipient.birth_date)
    require_staff(actor, servicemember.region_id)
    service_record = selectors.conscript_record(servicemember)
    if service_record is None:
        raise ValidationError("该人员没有义务兵服役记录，无需确定优待金领取人。")
    relation = selectors.relation_to(servicemember, recipient)
    if relation is None:
        raise ValidationError({"recipient": "领取人须为该军人的家庭成员（亲属或同户成员）。"})
    bank_name = bank_name.strip()
    if not bank_name:
        raise ValidationError({"bank_name": "请填写开户行。"})
    digits = normalize_account(account)
    previous = (
        AllowanceRecipient.objects.select_for_update()
        .filter(service_record=service_record, superseded_at__isnull=True)
        .first()
    )
    if previous is not None:
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
    designation = AllowanceRecipient.objects.create(
        servicemember=servicemember,
        service_record=service_record,
        recipient=recipient,
        relation=relation,
        bank_name=bank_name,
        account_enc=crypto.encrypt(digits, context=ACCOUNT_CONTEXT),
        designated_on=on,
        designated_by=actor,
    )
    flags = {k: v for k, v in (("graduate", graduate), ("hardship", hardship)) if v is not None}
    if flags:
        # Extras follow what is known now, for every period not yet taken into a batch.
        AllowancePeriod.objects.filter(
            service_record=service_record, status=PeriodStatus.SCHEDULED, payments__isnull=True
        ).update(**flags)
    masked = mask_bank_account(digits)
    audit_person(
        actor,
        "benefits.allowance.recipient",
        servicemember,
        {
            "recipient": recipient.name,
            "relation": relation,
            "bank": bank_name,
            "account": masked,
            "replaces": previous.pk if previous else None,
            **flags,
        },
    )
    emit(
        kind=EventKind.RECIPIENT_NAMED,
        key=f"recipient:{designation.pk}",
        person=servicemember,
        occurred_on=on,
        actor=actor,
        payload={"recipient": recipient.pk},
    )
    if task is not None:
        worklist_services.complete(
            actor=actor,
            task=task,
            outcome=f"优待金领取人：{recipient.name}（{relation}），{bank_name} {masked}",
            on=on,
        )
    return designation


@transaction.atomic
def reveal_account(*, actor, designation: AllowanceRecipient, reason: str) -> str:
    """The full account number, for a user holding the permission who gives a reason."""
    if not actor.can(Perm.REVEAL_PII):
        raise PermissionDenied("您没有查看完整信息的权限。")
    reason = require_reason(reason)
    audit_person(
        actor,
        "benefits.allowance.reveal",
        designation.servicemember,
        {"field": "bank_account", "designation": designation.pk},
        reason=reason,
    )
    return designation.account


# --- 义务兵家庭优待金: rates and payment batches ---------------------------------------------


@transaction.atomic
def set_allowance_rate(
    *,
    actor: User | None,
    region_code: str,
    year: int,
    annual_amount: Decimal,
    graduate_extra: Decimal = Decimal("0"),
    hardship_extra: Decimal = Decimal("0"),
    note: str = "",
) -> AllowanceRate:
    """Sets a region's standard for a year (usually the province's), by an officer at or above
    it. Payments already generated keep their amounts."""
    require_officer(actor, region_code, departments=VETERANS, what="优待金标准")
    values = {
        "annual_amount": annual_amount,
        "graduate_extra": graduate_extra,
        "hardship_extra": hardship_extra,
        "note": note.strip(),
        "updated_by": actor,
    }
    rate, created = AllowanceRate.objects.update_or_create(
        region_code=region_code, year=year, defaults=values
    )
    audit(
        actor, "benefits.allowance.rate", object_type="allowance_rate", object_id=rate.pk,
        region_code=region_code,
        changes={"region": region_label(region_code), "year": year, "annual": str(annual_amount),
                 "graduate_extra": str(graduate_extra), "hardship_extra": str(hardship_extra),
                 "created": created},
    )  # fmt: skip
    return rate


@dataclass
class BatchResult:
    batch: PaymentBatch | None
    created: int = 0
    without_recipient: int = 0
    missing_rates: list[tuple[str, int]] = field(default_factory=list)


def _require_county(actor, county_code: str) -> None:
    if county_code not in {r.code for r in selectors.counties_run_by(actor)}:
        raise PermissionDenied("优待金由入伍地区县退役军人事务部门发放，您的岗位不能办理该区县的批次。")


@transaction.atomic
def generate_batch(*, actor, county_code: str, as_of: datetime.date) -> BatchResult:
    """A draft batch of every period of the county's conscripts that has started by `as_of`,
    has a recipient and is not in any batch yet. Nothing due: no batch. Run twice, the second
    run finds nothing; two at once, the database's unique constraint refuses the second."""
    check_date(as_of, field="as_of", latest=planning_limit())
    _require_county(actor, county_code)
    lo, hi = scope_bounds(county_code)
    due = list(
        AllowancePeriod.objects.filter(
            status=PeriodStatus.SCHEDULED,
            starts_on__lte=as_of,
            region_code__gte=lo,
            region_code__lt=hi,
            payments__isnull=True,
        ).order_by("region_code", "person_id", "sequence")
    )
    recipients = {
        r.service_record_id: r
        for r in AllowanceRecipient.objects.filter(
            service_record_id__in={p.service_record_id for p in due}, superseded_at__isnull=True
        )
    }
    rates: dict[int, dict[str, AllowanceRate]] = {}  # year → region code → its standard
    for rate in AllowanceRate.objects.filter(
        region_code__in={code for p in due for code in policy_chain(p.region_code)},
        year__in={p.starts_on.year for p in due},
    ):
        rates.setdefault(rate.year, {})[rate.region_code] = rate
    result = BatchResult(batch=None)
    payable = []
    missing = set()
    for period in due:
        designation = recipients.get(period.service_record_id)
        rate = most_specific(rates.get(period.starts_on.year, {}), period.region_code)
        if designation is None:
            result.without_recipient += 1
        elif rate is None:
            missing.add((period.region_code[:2], period.starts_on.year))
        else:
            payable.append((period, designation, rate))
    result.missing_rates = sorted(missing)
    if not payable:
        return result
    batch = PaymentBatch.objects.create(county_code=county_code, as_of=as_of, created_by=actor)
    payments = [
        AllowancePayment(
            batch=batch,
            period=period,
            recipient=designation,
            rate=rate,
            amount=rate.period_amount(graduate=period.graduate, hardship=period.hardship),
            region_code=period.region_code,
        )
        for period, designation, rate in payable
    ]
    try:
        with transaction.atomic():
            AllowancePayment.objects.bulk_create(payments)
    except IntegrityError:
        raise ValidationError("有期次刚被另一批次收入，请刷新后重新生成。") from None
    result.batch, result.created = batch, len(payments)
    audit(
        actor, "benefits.batch.generate", object_type="allowance_batch", object_id=batch.pk,
        region_code=county_code,
        changes={"as_of": as_of.isoformat(), "payments": len(payments),
                 "total": str(sum((p.amount for p in payments), Decimal("0"))),
                 "without_recipient": result.without_recipient,
                 "missing_rates": [f"{p}/{y}" for p, y in result.missing_rates]},
    )  # fmt: skip
    return result


def _locked_batch(batch: PaymentBatch) -> PaymentBatch:
    return PaymentBatch.objects.select_for_update().get(pk=batch.pk)


@transaction.atomic
def review_batch(*, actor, batch: PaymentBatch) -> PaymentBatch:
    _require_county(actor, batch.county_code)
    batch = _locked_batch(batch)
    if batch.status != BatchStatus.DRAFT:
        raise ValidationError(f"该批次{batch.get_status_display()}，不能再审核。")
    batch.status = BatchStatus.REVIEWED
    batch.reviewed_by = actor
    batch.reviewed_at = timezone.now()
    batch.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit(
        actor, "benefits.batch.review", object_type="allowance_batch", object_id=batch.pk,
        region_code=batch.county_code, changes={"payments": batch.payments.count()},
    )  # fmt: skip
    return batch


@transaction.atomic
def mark_batch_paid(*, actor, batch: PaymentBatch, paid_on: datetime.date, reference: str) -> PaymentBatch:
    check_date(paid_on, field="paid_on")
    _require_county(actor, batch.county_code)
    batch = _locked_batch(batch)
    if batch.status != BatchStatus.REVIEWED:
        raise ValidationError(
            "批次须先审核，才能登记发放。" if batch.status == BatchStatus.DRAFT else "该批次已登记发放。"
        )
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": "请填写发放凭证号（银行回单号）。"})
    batch.status = BatchStatus.PAID
    batch.paid_on = paid_on
    batch.reference = reference
    batch.paid_by = actor
    batch.save(update_fields=["status", "paid_on", "reference", "paid_by"])
    audit(
        actor, "benefits.batch.paid", object_type="allowance_batch", object_id=batch.pk,
        region_code=batch.county_code, changes={"paid_on": paid_on.isoformat(), "reference": reference},
    )  # fmt: skip
    return batch


@transaction.atomic
def bank_file(*, actor, batch: PaymentBatch, reason: str, full: bool = False) -> bytes:
    """The xlsx the bank pays from: the actor's rows only, ID numbers and accounts masked unless
    asked for in full (accounts.reveal) — the bank's own file needs them, and says so. The export
    itself is audited with its reason."""
    if not actor.can(Perm.EXPORT):
        raise PermissionDenied("您的岗位没有导出权限。")
    reason = require_reason(reason)
    full = full_values(actor, requested=full, purpose=reason)
    payments = list(selectors.batch_payments(user=actor, batch=batch))
    content = exports.bank_xlsx(payments, full=full)
    audit(
        actor, "benefits.batch.export", object_type="allowance_batch", object_id=batch.pk,
        region_code=batch.county_code, changes={"rows": len(payments), "full": full}, reason=reason,
    )  # fmt: skip
    return content
