"""The writes of 走访慰问活动 and 常态化联系: opening a campaign and generating its visits, recording
a campaign visit (with the follow-up of a need found, in the same save), logging a contact, and
the tick's contact-due tasks. Each atomic, checked with Chinese messages, audited once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from yizhan.accounts.roles import Role
from yizhan.audit.services import record
from yizhan.care import groups as target_groups
from yizhan.care.generation import execute_generation, grid_sql, task_columns
from yizhan.care.groups import CONTACT_KINDS, cadence
from yizhan.care.models import (
    CampaignGroup,
    CampaignRun,
    CampaignRunStatus,
    CampaignVisit,
    ContactChannel,
    ContactLog,
    FollowUp,
    Occasion,
    VisitCampaign,
    VisitReason,
    VisitStatus,
)
from yizhan.care.services import Photo, record_visit
from yizhan.core import jobs
from yizhan.core.dates import date_problem
from yizhan.core.idnumber import chinese_date
from yizhan.core.policy_values import policy_value
from yizhan.people.models import IdentityKind, Person
from yizhan.people.services import audit_person
from yizhan.regions.models import Level, Region
from yizhan.veterans.models import EmploymentKind
from yizhan.veterans.services import add_employment_service, open_assistance
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskDepartment, TaskKind, TaskStatus
from yizhan.worklist.services import complete, ensure_task

# Who opens a campaign, at the level of his post: the county for its officers, the township for
# its station head and deputy.
OPENERS = {
    Role.COUNTY_OFFICER: Level.COUNTY,
    Role.STATION_HEAD: Level.TOWNSHIP,
    Role.STATION_DEPUTY: Level.TOWNSHIP,
}
REASON_OF = {
    Occasion.SPRING_FESTIVAL: VisitReason.SPRING_FESTIVAL,
    Occasion.AUGUST_FIRST: VisitReason.AUGUST_FIRST,
    Occasion.DOUBLE_NINTH: VisitReason.DOUBLE_NINTH,
    Occasion.HARDSHIP: VisitReason.HARDSHIP,
}


@dataclass(frozen=True)
class Standard:
    """A target group of a new campaign and what each of its households receives."""

    target: str
    money: Decimal = Decimal("0")
    goods: str = ""


def opening_regions(user) -> list[Region]:
    """The regions the user may open a campaign for: his posts' regions at their role's level."""
    return [
        post.region
        for post in user.active_posts
        if post.region_id and OPENERS.get(post.role) == post.region.level
    ]


@transaction.atomic
def open_campaign(
    *,
    actor,
    region: Region,
    name: str,
    occasion: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    standards: list[Standard],
) -> VisitCampaign:
    """Opens the campaign and queues the generation of its visits (core.jobs). A township's is
    generated at once, in this transaction; a county's by the worker (`yizhan run_jobs`)."""
    if region.code not in {r.code for r in opening_regions(actor)}:
        raise PermissionDenied("只有区县业务主管或部长兼站长可以在本级发起走访慰问活动。")
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "请填写活动名称。"
    if occasion not in Occasion.values:
        errors["occasion"] = "请选择活动类别。"
    if ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if not standards:
        errors["targets"] = "请至少选择一类慰问对象。"
    for standard in standards:
        if standard.target not in target_groups.GROUP_LABELS:
            errors["targets"] = "慰问对象类别无效。"
        elif standard.money < 0:
            errors["targets"] = f"{target_groups.label_of(standard.target)}的慰问金标准不能为负数。"
    if errors:
        raise ValidationError(errors)
    campaign = VisitCampaign.objects.create(
        name=name, occasion=occasion, region=region, starts_on=starts_on, ends_on=ends_on, opened_by=actor
    )
    CampaignGroup.objects.bulk_create(
        CampaignGroup(campaign=campaign, target=s.target, position=n, money=s.money, goods=s.goods.strip())
        for n, s in enumerate(standards)
    )
    record(
        actor=actor, action="care.campaign.open", object_type="campaign", object_id=campaign.pk,
        region_code=region.code, changes={
            "name": name, "occasion": Occasion(occasion).label, "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(), "targets": [target_groups.label_of(s.target) for s in standards],
        },
    )  # fmt: skip
    _queue(actor=actor, campaign=campaign)
    return campaign


def _queue(*, actor, campaign: VisitCampaign) -> CampaignRun:
    if campaign.region.level == Level.COUNTY:
        return CampaignRun.objects.create(campaign=campaign, requested_by=actor)
    # A township's few thousand people: generated now, without waiting for the worker.
    run = CampaignRun.objects.create(campaign=campaign, requested_by=actor, status=CampaignRunStatus.RUNNING)
    execute_generation(jobs.own(run))
    run.refresh_from_db()
    return run


@transaction.atomic
def generate_again(*, actor, campaign: VisitCampaign) -> CampaignRun:
    """Adds the households that match now and did not before (a run already waiting is reused)."""
    if campaign.region.code not in {r.code for r in opening_regions(actor)}:
        raise PermissionDenied("只有发起本活动的区县或乡镇可以重新生成走访对象。")
    waiting = campaign.runs.filter(status__in=[CampaignRunStatus.QUEUED, CampaignRunStatus.RUNNING]).first()
    if waiting is not None:
        return waiting
    record(
        actor=actor, action="care.campaign.regenerate", object_type="campaign", object_id=campaign.pk,
        region_code=campaign.region_id,
    )  # fmt: skip
    return _queue(actor=actor, campaign=campaign)


@transaction.atomic
def record_campaign_visit(
    *,
    actor,
    visit: CampaignVisit,
    outcome: str,
    visited_on: datetime.date,
    participants: str = "",
    money: Decimal = Decimal("0"),
    goods: str = "",
    notes: str = "",
    needs: str = "",
    follow_up: str = FollowUp.NONE,
    reason: str = "",
    photo: Photo | None = None,
) -> CampaignVisit:
    """The household's visit of the campaign: visited (with what was given, the situation and any
    need found, whose follow-up opens in this same save), or refused / unreachable with the
    reason. Closes the visit's task and counts as the person's contact."""
    visit = (
        CampaignVisit.objects.select_for_update(of=("self",))
        .select_related("campaign", "person")
        .get(pk=visit.pk)
    )
    if visit.status != VisitStatus.DUE:
        raise ValidationError(f"该户已登记为“{visit.get_status_display()}”。")
    errors: dict[str, str] = {}
    if outcome not in VisitStatus.values or outcome == VisitStatus.DUE:
        errors["outcome"] = "请选择走访结果。"
    if problem := date_problem(visited_on, born=visit.person.birth_date):
        errors["visited_on"] = problem.replace("日期", "走访日期", 1)
    reason, needs = reason.strip(), needs.strip()
    if outcome in (VisitStatus.REFUSED, VisitStatus.UNREACHABLE) and not reason:
        errors["reason"] = "拒绝走访或联系不上时，请填写原因。"
    if follow_up not in FollowUp.values:
        errors["follow_up"] = "请选择需求的后续办理方式。"
    elif follow_up != FollowUp.NONE and not needs:
        errors["needs"] = "请填写发现的需求，以便后续办理。"
    if errors:
        raise ValidationError(errors)
    campaign, person = visit.campaign, visit.person
    if outcome == VisitStatus.VISITED:
        situation = notes.strip() + (f"\n发现需求：{needs}" if needs else "")
        visit.visit = record_visit(
            actor=actor, person=person, reason=REASON_OF[campaign.occasion], visited_on=visited_on,
            participants=participants, money=money, goods=goods, notes=situation.strip(), photo=photo,
        )  # fmt: skip
        told = f"已于{chinese_date(visited_on)}走访慰问"
    else:
        told = f"{VisitStatus(outcome).label}：{reason}"
    visit.status, visit.reason = outcome, reason if outcome != VisitStatus.VISITED else ""
    visit.save(update_fields=["status", "reason", "visit"])
    audit_person(actor, "care.campaign.visit", person, {
        "campaign": campaign.pk, "outcome": VisitStatus(outcome).label, "reason": visit.reason,
        "follow_up": FollowUp(follow_up).label if follow_up != FollowUp.NONE else "",
    }, region_code=visit.region_code)  # fmt: skip
    if follow_up != FollowUp.NONE:
        told += f"；{_follow_up(actor=actor, visit=visit, kind=follow_up, needs=needs, on=visited_on)}"
    if visit.task_id is not None and visit.task.status in OPEN_STATUSES:
        complete(actor=actor, task=visit.task, outcome=told + "。", on=visited_on)
    if outcome == VisitStatus.VISITED:
        log_contact(
            actor=actor, person=person, channel=ContactChannel.VISIT, on=visited_on, notes=campaign.name
        )
    return visit


def _follow_up(*, actor, visit: CampaignVisit, kind: str, needs: str, on: datetime.date) -> str:
    """Opens what the need calls for; returns what was opened, for the task's outcome."""
    person = visit.person
    if kind == FollowUp.HARDSHIP:
        case = open_assistance(actor=actor, person=person, on=on, hardship="走访发现", description=needs)
        return f"已登记帮扶援助申请（{case.pk}号）"
    if kind == FollowUp.EMPLOYMENT:
        add_employment_service(
            actor=actor, person=person, kind=EmploymentKind.JOB_SEEKER, on=on, details=needs[:300]
        )
        return "已登记就业创业服务（求职登记）"
    days = policy_value("visits.need_days", region_code=visit.region_code, on=on)
    ensure_task(
        kind=TaskKind.OTHER, rule="care.need", department=TaskDepartment.VETERANS,
        due_on=on + datetime.timedelta(days=days), region_code=visit.region_code, person=person,
        period=f"visit:{visit.pk}",
    )  # fmt: skip
    return f"已生成待办：走访发现需求（{days}天内办理）"


@transaction.atomic
def log_contact(*, actor, person: Person, channel: str, on: datetime.date, notes: str = "") -> ContactLog:
    """常态化联系: one contact, by anyone in scope. Closes the person's open contact-due task."""
    errors: dict[str, str] = {}
    if channel not in ContactChannel.values:
        errors["channel"] = "请选择联系方式。"
    if problem := date_problem(on, born=person.birth_date):
        errors["on"] = problem.replace("日期", "联系日期", 1)
    if errors:
        raise ValidationError(errors)
    contact = ContactLog.objects.create(
        person=person, region_code=person.region_id, channel=channel, contacted_on=on, notes=notes.strip()[:300],
        recorded_by=actor,
    )  # fmt: skip
    label = ContactChannel(channel).label
    audit_person(
        actor, "care.contact.log", person, {"contact": contact.pk, "channel": label, "on": on.isoformat()}
    )
    for task in Task.objects.filter(
        rule=CONTACT_RULE, subject_key=f"person:{person.pk}", status__in=OPEN_STATUSES
    ):
        complete(actor=actor, task=task, outcome=f"已于{chinese_date(on)}{label}。", on=on)
    return contact


# --- 常态化联系: the tick's contact-due tasks ------------------------------------------------

CONTACT_RULE = "care.contact"


def _held(kinds: list[str]) -> tuple[str, list]:
    marks = ", ".join(["%s"] * len(kinds))
    sql = (
        f"EXISTS (SELECT 1 FROM people_identity i WHERE i.person_id = p.id AND i.kind IN ({marks}) "
        "AND i.since <= %s AND (i.until IS NULL OR i.until > %s))"
    )
    return sql, list(kinds)


def _contact_sql(county: Region, today: datetime.date) -> tuple[str, list]:
    """INSERT … SELECT of the contact-due tasks of one county. The cadence counts from the person's
    last contact, or — never contacted — from the day he came into the group (a family that became
    军属 yesterday is not overdue). The task's period is the date of the last contact ("" when never
    contacted): one task per overdue spell — a second tick finds it (unique rule, subject, period),
    a new contact starts a new spell."""
    days = cadence(region_code=county.code, on=today)
    ops = connection.ops
    before = {
        k: ops.adapt_datefield_value(today - datetime.timedelta(days=days[k]))
        for k in ("priority", "contact")
    }
    day = ops.adapt_datefield_value(today)
    held, held_args = _held([k.value for k in CONTACT_KINDS])
    priority, priority_args = _held([IdentityKind.PRIORITY_ENTITLED.value])
    lo, hi = county.bounds
    given = {
        "kind": ("%s", [TaskKind.CONTACT_DUE.value]),
        "person_id": ("d.id", []),
        "household_id": ("d.household_id", []),
        "department": ("%s", [TaskDepartment.VETERANS.value]),
        "region_code": ("d.region_id", []),
        "assignee_id": (
            "(SELECT g.liaison_id FROM regions_grid g "
            f"WHERE g.id = {grid_sql(placed='d.grid_id', village='d.region_id')})",
            [],
        ),
        "due_on": ("%s", [ops.adapt_datefield_value(today + datetime.timedelta(days=7))]),
        "status": ("%s", [TaskStatus.OPEN.value]),
        "rule": ("%s", [CONTACT_RULE]),
        "subject_key": ("d.subject_key", []),
        "period": ("d.period", []),
        "created_at": ("%s", [ops.adapt_datetimefield_value(timezone.now())]),
    }
    columns, values, params = task_columns(given)
    kind_marks = ", ".join(["%s"] * len(held_args))
    sql = f"""
        INSERT INTO worklist_task ({columns})
        SELECT {values} FROM (
            SELECT p.id, p.household_id, p.region_id, h.grid_id,
                   'person:' || CAST(p.id AS TEXT) AS subject_key,
                   COALESCE((SELECT CAST(MAX(c.contacted_on) AS TEXT) FROM care_contactlog c WHERE c.person_id = p.id), '')
                       AS period,
                   COALESCE(
                       (SELECT MAX(c.contacted_on) FROM care_contactlog c WHERE c.person_id = p.id),
                       (SELECT MIN(i.since) FROM people_identity i WHERE i.person_id = p.id
                        AND i.kind IN ({kind_marks}) AND i.since <= %s AND (i.until IS NULL OR i.until > %s))
                   ) AS last_contact,
                   CASE WHEN {priority} THEN 1 ELSE 0 END AS priority
            FROM people_person p LEFT JOIN people_household h ON h.id = p.household_id
            WHERE p.region_id >= %s AND p.region_id < %s AND p.merged_into_id IS NULL AND {held}
        ) d
        WHERE d.last_contact < CASE WHEN d.priority = 1 THEN %s ELSE %s END
          AND NOT EXISTS (
              SELECT 1 FROM worklist_task t
              WHERE t.rule = %s AND t.subject_key = d.subject_key AND t.period = d.period
          )
    """
    args = [
        *params, *held_args, day, day, *priority_args, day, day, lo, hi, *held_args, day, day,
        before["priority"], before["contact"], CONTACT_RULE,
    ]  # fmt: skip
    return sql, args


def open_contact_tasks(*, today: datetime.date) -> int:
    """The tick rule: a contact-due task for each person kept in regular contact whose last contact
    is older than his county's cadence, for his grid's liaison; once per overdue spell."""
    opened = 0
    for county in Region.objects.filter(level=Level.COUNTY).order_by("code"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(*_contact_sql(county, today))
            if cursor.rowcount:
                opened += cursor.rowcount
                record(
                    actor=None, action="care.contact.due", object_type="region", object_id=county.code,
                    region_code=county.code, changes={"opened": cursor.rowcount, "today": today.isoformat()},
                )  # fmt: skip
    return opened
