"""Scoped reads of the benefits area, each starting from core.scopes.SCOPES (优待金 rows stay with
the county of enlistment, plaques follow the household, the rest the person); what lies outside the user's jurisdiction answers 404 like missing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from yizhan.accounts.roles import Department, Perm, Role
from yizhan.benefits.models import (
    AllowancePayment,
    AllowancePeriod,
    AllowanceRecipient,
    BatchStatus,
    BonusEntitlement,
    BonusStatus,
    HonorPlaque,
    PaymentBatch,
    PeriodStatus,
    PlaqueCategory,
    PlaqueStatus,
)
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.lifecycle.models import EventKind
from yizhan.people.models import (
    Award,
    Household,
    IdentityKind,
    Person,
    RelationKind,
    ServiceRecord,
    ServiceType,
)
from yizhan.people.selectors import family_of, household_label, people_visible_to
from yizhan.regions.models import Level, Region, scope_bounds
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind
from yizhan.worklist.selectors import get_task, tasks_visible_to

# Who handles money and bank cards: county and station staff (not village liaisons).
STAFF_ROLES = {Role.COUNTY_OFFICER, Role.STATION_HEAD, Role.STATION_DEPUTY, Role.STATION_CLERK}
# 优待金 is paid by the county veterans office of the place of enlistment.
PAYING_DEPARTMENTS = {Department.VETERANS, Department.BOTH}
COUNTY_OR_ABOVE = {Level.PROVINCE, Level.CITY, Level.COUNTY}


# --- who may do what --------------------------------------------------------------------


def in_scope(user, region_code: str) -> bool:
    return any(lo <= region_code < hi for lo, hi in getattr(user, "scope_bounds", []))


def staff_covers(user, region_code: str) -> bool:
    return any(
        post.role in STAFF_ROLES and post.region.bounds[0] <= region_code < post.region.bounds[1]
        for post in user.active_posts
        if post.region_id
    )


def counties_run_by(user) -> list[Region]:
    """The counties whose payments the user's posts (county level or above, veterans) run."""
    condition = Q(pk__in=[])
    for post in user.active_posts:
        if (
            post.region_id
            and post.role in STAFF_ROLES
            and post.department in PAYING_DEPARTMENTS
            and post.region.level in COUNTY_OR_ABOVE
        ):
            lo, hi = post.region.bounds
            condition |= Q(code__gte=lo, code__lt=hi)
    return list(Region.objects.filter(condition, level=Level.COUNTY).order_by("code"))


def provinces_run_by(user) -> set[str]:
    return {county.code[:2] for county in counties_run_by(user)}


# --- 义务兵家庭优待金 ------------------------------------------------------------------------


def conscript_record(person: Person) -> ServiceRecord | None:
    """The service his 优待金 is counted on: the latest with periods (scheduled when he enlisted
    as a 义务兵 — it keeps them when 提干 or 军士 later changes its type, for the periods already
    owed), else his conscript service, the open one first (an imported record has no periods)."""
    with_periods = (
        person.service_records.filter(allowance_periods__isnull=False).distinct().order_by("-enlisted_on")
    )
    records = person.service_records.filter(service_type=ServiceType.CONSCRIPT)
    return (
        with_periods.first()
        or records.filter(discharged_on__isnull=True).order_by("-enlisted_on").first()
        or records.order_by("-enlisted_on").first()
    )


def relation_to(servicemember: Person, relative: Person) -> str | None:
    """How `relative` stands to the soldier ("父母", "配偶" …, or "同户成员"); None if unrelated."""
    if relative.pk == servicemember.pk:
        return None
    for person, kind in family_of(servicemember):
        if person.pk == relative.pk:
            return RelationKind(kind).label
    if servicemember.household_id and relative.household_id == servicemember.household_id:
        return "同户成员"
    return None


def recipient_candidates(*, user, servicemember: Person) -> list[tuple[Person, str]]:
    """The soldier's relatives and household members the user may see, parents first."""
    visible = people_visible_to(user)
    seen: dict[int, tuple[Person, str]] = {}
    for person, kind in family_of(servicemember):
        seen.setdefault(person.pk, (person, RelationKind(kind).label))
    if servicemember.household_id:
        for member in servicemember.household.members.exclude(pk=servicemember.pk):
            seen.setdefault(member.pk, (member, "同户成员"))
    allowed = set(visible.filter(pk__in=seen).values_list("pk", flat=True))
    order = {RelationKind.PARENT.label: 0, RelationKind.GUARDIAN.label: 1, RelationKind.SPOUSE.label: 2}
    return sorted((seen[pk] for pk in allowed), key=lambda pair: (order.get(pair[1], 9), pair[0].pk))


def current_recipient(service_record: ServiceRecord | None) -> AllowanceRecipient | None:
    if service_record is None:
        return None
    return (
        service_record.allowance_recipients.filter(superseded_at__isnull=True)
        .select_related("recipient")
        .first()
    )


def get_recipient(*, user, pk: int) -> AllowanceRecipient:
    return get_in_scope(
        visible(user, "benefits.AllowanceRecipient").select_related("servicemember", "recipient"),
        pk=pk,
    )


def task_of_kind(*, user, pk: int, kind: str) -> Task:
    """A task the user sees, of the kind a work form handles; any other answers 404."""
    task = get_task(user=user, pk=pk)
    if task.kind != kind:
        raise Http404("未找到")
    return task


def allowance_of(person: Person) -> dict:
    """A person's allowance: his conscript record, periods (with payments) and recipient."""
    service_record = conscript_record(person)
    periods = list(
        person.allowance_periods.select_related("service_record")
        .prefetch_related("payments__batch")
        .order_by("service_record__enlisted_on", "sequence")
    )
    for period in periods:
        period.payment = next(iter(period.payments.all()), None)
    return {
        "service_record": service_record,
        "periods": periods,
        "recipient": current_recipient(service_record),
    }


def periods_visible_to(user) -> QuerySet[AllowancePeriod]:
    if not user.can(Perm.VIEW_PEOPLE):
        return AllowancePeriod.objects.none()
    return visible(user, "benefits.AllowancePeriod")


def payments_visible_to(user) -> QuerySet[AllowancePayment]:
    if not user.can(Perm.VIEW_PEOPLE):
        return AllowancePayment.objects.none()
    return visible(user, "benefits.AllowancePayment")


def batches_visible_to(user) -> QuerySet[PaymentBatch]:
    """Batches of a county the user's jurisdiction lies in or covers."""
    if not user.can(Perm.VIEW_PEOPLE):
        return PaymentBatch.objects.none()
    return visible(user, "benefits.PaymentBatch")


def batches_waiting_for(*, user) -> dict[str, int]:
    """Per status, the batches of the counties the user runs still to be reviewed or paid."""
    rows = (
        batches_visible_to(user)
        .filter(county_code__in=[c.code for c in counties_run_by(user)])
        .exclude(status=BatchStatus.PAID)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return {row["status"]: row["n"] for row in rows.order_by("status")}


def get_batch(*, user, pk: int) -> PaymentBatch:
    return get_in_scope(batches_visible_to(user), pk=pk)


def batch_payments(*, user, batch: PaymentBatch) -> QuerySet[AllowancePayment]:
    """The batch's rows inside the user's jurisdiction (a station sees its own township's)."""
    return (
        payments_visible_to(user)
        .filter(batch=batch)
        .select_related("period__person__region", "recipient__recipient", "batch")
        .order_by("region_code", "period__person__name", "period__sequence", "pk")
    )


def batch_totals(payments: QuerySet[AllowancePayment]) -> dict:
    totals = payments.aggregate(count=Count("pk"), total=Sum("amount"))
    return {"count": totals["count"], "total": totals["total"] or Decimal("0")}


def ledger(*, user, year: int | None = None, region_code: str = "") -> QuerySet[AllowancePayment]:
    payments = payments_visible_to(user).select_related(
        "period__person__region", "recipient__recipient", "batch"
    )
    if year:
        payments = payments.filter(period__starts_on__year=year)
    if region_code:
        lo, hi = scope_bounds(region_code)
        payments = payments.filter(region_code__gte=lo, region_code__lt=hi)
    return payments.order_by("-batch__as_of", "region_code", "period__person__name", "period__sequence")


def due_overview(*, user, today: datetime.date) -> dict:
    """The counts on the benefits index."""
    due_periods = periods_visible_to(user).filter(
        status=PeriodStatus.SCHEDULED, starts_on__lte=today, payments__isnull=True
    )
    with_recipient = due_periods.filter(
        service_record__allowance_recipients__superseded_at__isnull=True
    ).distinct()
    open_tasks = tasks_visible_to(user).filter(status__in=OPEN_STATUSES)
    return {
        "periods_due": due_periods.count(),
        "periods_without_recipient": due_periods.count() - with_recipient.count(),
        "recipient_tasks": open_tasks.filter(kind=TaskKind.ALLOWANCE_RECIPIENT).count(),
        "plaque_tasks": open_tasks.filter(kind=TaskKind.HONOR_PLAQUE).count(),
        "bonuses_due": bonuses_visible_to(user).filter(status=BonusStatus.DUE).count(),
        "plaques_due": plaques_visible_to(user).filter(status=PlaqueStatus.DUE).count(),
    }


# --- 奖励金 ---------------------------------------------------------------------------------


def bonuses_visible_to(user) -> QuerySet[BonusEntitlement]:
    return visible(user, "benefits.BonusEntitlement")


def get_bonus(*, user, pk: int) -> BonusEntitlement:
    return get_in_scope(bonuses_visible_to(user).select_related("person__region"), pk=pk)


@dataclass
class Honor:
    person: Person
    level: str
    awarded_on: datetime.date
    notice_number: str
    bonus: BonusEntitlement | None


def honor_wall(*, user, person: Person) -> dict:
    """The household's awards, each with its 奖励金 (or a 奖励金 whose event named no award row),
    newest first, and its plaque."""
    household = person.household
    people = list(people_visible_to(user).filter(household=household)) if household else [person]
    awards = list(Award.objects.filter(person__in=people).select_related("person"))
    bonuses = {b.award_id: b for b in BonusEntitlement.objects.filter(award__in=awards)}
    honors = [
        Honor(a.person, a.get_level_display(), a.awarded_on, a.notice_number, bonuses.get(a.pk))
        for a in awards
    ]
    for bonus in BonusEntitlement.objects.filter(person__in=people, award__isnull=True).select_related(
        "person"
    ):
        honors.append(Honor(bonus.person, bonus.get_level_display(), bonus.awarded_on, "", bonus))
    return {
        "household": household,
        "label": household_label(household, visible=people_visible_to(user))[0] if household else person.name,
        "members": people,
        "honors": sorted(honors, key=lambda h: h.awarded_on, reverse=True),
        "plaque": HonorPlaque.objects.filter(household=household).first() if household else None,
    }


# --- 光荣牌 ---------------------------------------------------------------------------------


def plaques_visible_to(user) -> QuerySet[HonorPlaque]:
    if not user.can(Perm.VIEW_PEOPLE):
        return HonorPlaque.objects.none()
    return visible(user, "benefits.HonorPlaque")


def get_plaque(*, user, pk: int) -> HonorPlaque:
    return get_in_scope(plaques_visible_to(user).select_related("household__region"), pk=pk)


# Who keeps a household due for its 光荣牌: a member serving, served or fallen (his family holds
# 遗属), or the family of one serving (军属). The same list as a 退兵's, plus the family itself.
PLAQUE_GIVERS = (
    IdentityKind.ACTIVE_SERVICEMEMBER,
    IdentityKind.VETERAN,
    IdentityKind.BEREAVED_FAMILY,
    IdentityKind.MILITARY_FAMILY,
)


def open_plaque_task(household: Household | None, person: Person | None = None) -> Task | None:
    """The household's open 光荣牌 task, or the one still keyed to `person` (recorded before his
    household was)."""
    keyed = Q(household=household) if household is not None else Q(pk__in=[])
    if person is not None:
        keyed |= Q(person=person, household__isnull=True)
    return Task.objects.filter(keyed, kind=TaskKind.HONOR_PLAQUE, status__in=OPEN_STATUSES).first()


def plaque_of(household: Household | None) -> HonorPlaque | None:
    return HonorPlaque.objects.filter(household=household).first() if household else None


BEREAVED_CATEGORY = {
    "martyr": PlaqueCategory.MARTYR,
    "died_on_duty": PlaqueCategory.DIED_ON_DUTY,
    "died_of_illness": PlaqueCategory.DIED_OF_ILLNESS,
}


def plaque_category_for(event) -> str:
    """What the plaque says, from the event that made it due (the first one: it is never replaced)."""
    if event is None or event.kind == EventKind.ENLISTMENT_APPROVED:
        return PlaqueCategory.ACTIVE
    if event.kind == EventKind.DISCHARGED:
        return PlaqueCategory.VETERAN
    if event.kind == EventKind.DIED_IN_SERVICE:
        return BEREAVED_CATEGORY.get(event.payload.get("subtype", ""), PlaqueCategory.MARTYR)
    return PlaqueCategory.ACTIVE


@dataclass
class CampaignRow:
    region: Region
    label: str
    members: list[str]
    category: str
    due_on: datetime.date | None
    plaque: HonorPlaque | None
    task: Task | None


def plaque_campaign(*, user, village: str = "") -> list[CampaignRow]:
    """Households whose plaque is due, by village: the register's due rows, and households whose
    plaque task is open but not yet on the register."""
    rows: list[CampaignRow] = []
    visible = people_visible_to(user)
    due = plaques_visible_to(user).filter(status=PlaqueStatus.DUE).select_related("household__region")
    tasks = (
        tasks_visible_to(user)
        .filter(kind=TaskKind.HONOR_PLAQUE, status__in=OPEN_STATUSES)
        .select_related("household__region", "person__region", "person__household__region", "cause")
    )
    for task in tasks:  # a task keyed to him before his household was recorded counts for it
        task.plaque_household = task.household or (task.person.household if task.person_id else None)
    task_by_household = {t.plaque_household.pk: t for t in tasks if t.plaque_household}
    for plaque in due:
        label, members = household_label(plaque.household, visible=visible)
        rows.append(
            CampaignRow(
                region=plaque.household.region,
                label=label,
                members=members,
                category=plaque.get_category_display(),
                due_on=plaque.due_on,
                plaque=plaque,
                task=task_by_household.get(plaque.household_id),
            )
        )
    on_register = set(
        HonorPlaque.objects.filter(household_id__in=task_by_household).values_list("household_id", flat=True)
    )
    for task in tasks:
        household = task.plaque_household
        if household is not None and household.pk in on_register:
            continue
        if household is not None:
            label, members = household_label(household, visible=visible)
            region = household.region
        else:
            label, members, region = f"{task.person.name}（未设户）", [task.person.name], task.person.region
        rows.append(
            CampaignRow(
                region=region,
                label=label,
                members=members,
                category=PlaqueCategory(plaque_category_for(task.cause)).label,
                due_on=task.due_on,
                plaque=None,
                task=task,
            )
        )
    if village:
        rows = [r for r in rows if r.region.code == village]
    return sorted(rows, key=lambda r: (r.region.code, r.label))
