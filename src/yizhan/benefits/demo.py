"""Demo benefits for 德城区: the 山东 优待金 standard, the district's 奖励金 table (DOMAIN.md), and
for the demo conscripts their periods, a few recipients with invented bank cards, their awards'
奖励金, and the 光荣牌 register of the district's military, veteran and bereaved households.

Idempotent: every row is looked up before it is made, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from yizhan.accounts.models import User
from yizhan.audit.services import record
from yizhan.benefits import selectors, services
from yizhan.benefits.models import (
    ACCOUNT_CONTEXT,
    AllowanceRate,
    AllowanceRecipient,
    BonusRate,
    HonorPlaque,
    PaymentBatch,
    PlaqueCategory,
    PlaqueStatus,
)
from yizhan.core import crypto
from yizhan.people.models import (
    Award,
    AwardLevel,
    Household,
    Identity,
    IdentityKind,
    RelationKind,
    ServiceRecord,
)
from yizhan.people.selectors import family_of
from yizhan.regions.models import scope_bounds

COUNTY = "371402000000"  # 德城区
TODAY = datetime.date(2026, 11, 1)  # the people demo's fixed day
ALLOWANCE_YEARS = range(2025, 2029)
# 山东: 22,000 yuan a year (DOMAIN.md); the extras are demonstration values.
ALLOWANCE = {
    "annual_amount": Decimal("22000"),
    "graduate_extra": Decimal("2000"),
    "hardship_extra": Decimal("0"),
}
BONUS = {
    AwardLevel.BAYI_MEDAL: Decimal("50000"),
    AwardLevel.FIRST_CLASS: Decimal("10000"),
    AwardLevel.SECOND_CLASS: Decimal("5000"),
    AwardLevel.THIRD_CLASS: Decimal("2000"),
    AwardLevel.OUTSTANDING_SOLDIER: Decimal("500"),
}
RECIPIENTS = 6  # conscripts whose parents have already handed in the bank-card form
PLAQUE_CATEGORY = {
    IdentityKind.MILITARY_FAMILY: PlaqueCategory.ACTIVE,
    IdentityKind.VETERAN: PlaqueCategory.VETERAN,
    IdentityKind.BEREAVED_FAMILY: PlaqueCategory.MARTYR,
}


def _tables() -> int:
    created = 0
    for year in ALLOWANCE_YEARS:
        _, new = AllowanceRate.objects.get_or_create(
            region_code=COUNTY[:2].ljust(12, "0"),
            year=year,
            defaults={**ALLOWANCE, "note": "演示数据：山东省标准，增发为演示数值"},
        )
        created += new
        for level, amount in BONUS.items():
            _, new = BonusRate.objects.get_or_create(
                region_code=COUNTY, year=year, level=level, defaults={"amount": amount}
            )
            created += new
    return created


def _conscripts() -> list[ServiceRecord]:
    lo, hi = scope_bounds(COUNTY)
    return list(
        ServiceRecord.objects.filter(
            service_type="conscript",
            discharged_on__isnull=True,
            person__region_id__gte=lo,
            person__region_id__lt=hi,
        )
        .select_related("person")
        .order_by("person_id")
    )


def _recipient(service_record: ServiceRecord) -> int:
    if selectors.current_recipient(service_record) is not None:
        return 0
    soldier = service_record.person
    parents = [p for p, kind in family_of(soldier) if kind == RelationKind.PARENT]
    if not parents:
        return 0
    # An invented card number of a demo bank: never a real account.
    account = f"622848{soldier.pk:013d}"
    AllowanceRecipient.objects.create(
        servicemember=soldier,
        service_record=service_record,
        recipient=parents[0],
        relation=RelationKind.PARENT.label,
        bank_name="中国农业银行德州新湖支行（演示）",
        account_enc=crypto.encrypt(account, context=ACCOUNT_CONTEXT),
        designated_on=service_record.enlisted_on - datetime.timedelta(days=10),
    )
    return 1


def _plaques() -> int:
    lo, hi = scope_bounds(COUNTY)
    held = (
        Identity.objects.filter(
            Identity.current_q(TODAY),
            kind__in=list(PLAQUE_CATEGORY),
            person__household__isnull=False,
            person__region_id__gte=lo,
            person__region_id__lt=hi,
        )
        .values_list("person__household_id", "kind", "subtype")
        .order_by("person__household_id", "kind")
    )
    on_register = set(HonorPlaque.objects.values_list("household_id", flat=True))
    plaques: dict[int, HonorPlaque] = {}
    for household_id, kind, subtype in held:
        if household_id in on_register or household_id in plaques:
            continue
        category = selectors.BEREAVED_CATEGORY.get(subtype, PLAQUE_CATEGORY[kind])
        # Families of veterans and the fallen had theirs hung before this 八一; new 军属 wait for 春节.
        hung = kind != IdentityKind.MILITARY_FAMILY
        plaques[household_id] = HonorPlaque(
            household_id=household_id,
            category=category,
            status=PlaqueStatus.HUNG if hung else PlaqueStatus.DUE,
            due_on=None if hung else datetime.date(2027, 2, 6),
            hung_on=datetime.date(2026, 7, 28) if hung else None,
            hung_by="德城区退役军人事务局、新湖街道武装部（演示）" if hung else "",
            signed=hung,
        )
    HonorPlaque.objects.bulk_create(plaques.values())
    return len(plaques)


def _paid_batch() -> int:
    """One 优待金 batch the county generated, reviewed and paid (the ledger and the bank file have
    rows); the periods that start later wait for the next."""
    if PaymentBatch.objects.filter(county_code=COUNTY).exists():
        return 0
    county = User.objects.get(username="decheng")
    result = services.generate_batch(actor=county, county_code=COUNTY, as_of=TODAY)
    if result.batch is None:
        return 0
    services.review_batch(actor=county, batch=result.batch)
    services.mark_batch_paid(actor=county, batch=result.batch, paid_on=TODAY, reference="演示回单〔2026〕1号")
    return 1


@transaction.atomic
def seed() -> int:
    created = _tables()
    lo, hi = scope_bounds(COUNTY)
    if not Household.objects.filter(region_id__gte=lo, region_id__lt=hi).exists():
        return created  # the regions demo without people: only the policy tables
    conscripts = _conscripts()
    for service_record in conscripts:
        created += len(services.schedule_periods(actor=None, service_record=service_record, graduate=False))
    for service_record in conscripts[:RECIPIENTS]:
        created += _recipient(service_record)
    for award in Award.objects.filter(
        person__service_records__in=conscripts, bonus__isnull=True
    ).select_related("person"):
        _, new = services.entitle_bonus(
            actor=None, person=award.person, level=award.level, awarded_on=award.awarded_on, award=award
        )
        created += new
    created += _plaques()
    created += _paid_batch()
    if created:
        record(
            actor=None,
            action="demo.seed_benefits",
            object_type="region",
            object_id=COUNTY,
            region_code=COUNTY,
            changes={"created": created},
        )
    return created
