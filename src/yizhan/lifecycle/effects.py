"""The building blocks of rules.py: each returns a function applied to a DomainEvent inside the
transaction that recorded it. Named for what they do, so the table reads as a sentence."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Exists, OuterRef

from yizhan.accounts.models import User
from yizhan.core.policy_values import policy_value
from yizhan.lifecycle.calendar import add_working_days, next_holiday
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people import selectors as people_selectors
from yizhan.people import services as people_services
from yizhan.people.models import Identity, IdentityKind, Person, Relation, RelationKind
from yizhan.worklist.models import OPEN_STATUSES, Escalation, Task, TaskDepartment, TaskKind
from yizhan.worklist.services import cancel as cancel_task
from yizhan.worklist.services import carry_forward, ensure_task, retarget
from yizhan.worklist.services import reopen as reopen_task

Effect = Callable[[DomainEvent], None]
DueRule = Callable[[DomainEvent], datetime.date]

SUBJECT, FAMILY, HOUSEHOLD = "subject", "family", "household"


def days(n: int) -> DueRule:
    return lambda event: event.occurred_on + datetime.timedelta(days=n)


def _policy_of(name: str, event: DomainEvent) -> int:
    """The rule value for the event's subject's region on the day of the fact (参数设置)."""
    region = event.person.region_id if event.person_id else ""
    return policy_value(name, region_code=region, on=event.occurred_on)


def policy_days(name: str) -> DueRule:
    """Due after as many days as the named rule value says where the subject lives."""
    return lambda event: event.occurred_on + datetime.timedelta(days=_policy_of(name, event))


def policy_working_days(name: str) -> DueRule:
    return lambda event: add_working_days(event.occurred_on, _policy_of(name, event))


def before_holiday() -> DueRule:
    return lambda event: next_holiday(event.occurred_on)


def _family(event: DomainEvent) -> list[Person]:
    return people_selectors.military_family_of(event.person, today=event.occurred_on)


def _identity_kind(kind: IdentityKind) -> IdentityKind:
    """The table names identities by IdentityKind: a misspelt one fails when rules.py is imported
    (at start-up), not on the first event that would have granted it."""
    try:
        return IdentityKind(kind)
    except ValueError:
        raise ValueError(f"rules.py names an identity that IdentityKind does not have: {kind!r}") from None


def identity(kind: IdentityKind, *, of: str = SUBJECT, subtype_from: str = "") -> Effect:
    """Opens an identity on the subject or on each family member (through the subject)."""
    kind = _identity_kind(kind)

    def apply(event: DomainEvent) -> None:
        targets = [event.person] if of == SUBJECT else _family(event)
        subtype = event.payload.get(subtype_from, "") if subtype_from else ""
        for person in targets:
            people_services.grant_identity(
                actor=event.actor,
                person=person,
                kind=kind,
                subtype=subtype,
                since=event.occurred_on,
                source=f"event:{event.pk}",
                through=event.person if of == FAMILY else None,
            )

    apply.__name__ = f"identity_{kind}_of_{of}"
    return apply


def end_identity(kind: IdentityKind, *, of: str = SUBJECT) -> Effect:
    """Closes the open identity of that kind on the subject, or the ones held through him."""
    kind = _identity_kind(kind)

    def apply(event: DomainEvent) -> None:
        if of == SUBJECT:
            held = Identity.objects.filter(person=event.person, kind=kind, until__isnull=True)
        else:
            held = Identity.objects.filter(through=event.person, kind=kind, until__isnull=True)
        for item in held:
            people_services.end_identity(
                actor=event.actor,
                identity=item,
                until=max(event.occurred_on, item.since),
                source=f"event:{event.pk}",
            )

    apply.__name__ = f"end_identity_{kind}_of_{of}"
    return apply


def sync_military_family(*, actor: User | None, member: Person, on: datetime.date, source: str) -> int:
    """Brings the 军属 held through `member` in line with military_family_of on `on`, while he
    serves: relatives who now count get it from `on`, holders who no longer count lose it then.
    Returns how many identities changed; a second run changes nothing."""
    if not member.identities.filter(Identity.current_q(on), kind=IdentityKind.ACTIVE_SERVICEMEMBER).exists():
        return 0  # the family of a veteran or of the fallen is settled by the discharge and death rules
    family = {relative.pk: relative for relative in people_selectors.military_family_of(member, today=on)}
    held = list(
        Identity.objects.filter(through=member, kind=IdentityKind.MILITARY_FAMILY, until__isnull=True)
    )
    changed = 0
    for item in held:
        if item.person_id not in family:
            people_services.end_identity(actor=actor, identity=item, until=max(on, item.since), source=source)
            changed += 1
    holders = {item.person_id for item in held}
    for relative in family.values():
        if relative.pk not in holders:
            people_services.grant_identity(
                actor=actor,
                person=relative,
                kind=IdentityKind.MILITARY_FAMILY,
                since=on,
                source=source,
                through=member,
            )
            changed += 1
    return changed


def military_family_follows_the_family(event: DomainEvent) -> None:
    """A relation recorded or removed, or a fact that decides 军人家属 changed (birth date,
    unable to live independently): 军属 is re-computed through whichever of the people
    concerned serves — the person, his relatives, and the relative of a removed relation."""
    concerned = {event.person.pk: event.person}
    for relative, _ in people_selectors.family_of(event.person):
        concerned.setdefault(relative.pk, relative)
    removed = event.payload.get("relative")
    if removed and removed not in concerned:
        concerned[removed] = Person.objects.get(pk=removed)
    for member in concerned.values():
        sync_military_family(
            actor=event.actor, member=member, on=event.occurred_on, source=f"event:{event.pk}"
        )


def children_come_of_age(*, today: datetime.date) -> int:
    """Tick: a child who turned 18 by `today` stops being 军属 on the birthday, unless recorded as
    unable to live independently — decided by the same definition, through his serving parent."""
    latest_birth = _years_before(today, people_selectors.ADULT_AGE)
    child_of_member = Exists(
        Relation.objects.filter(
            person=OuterRef("through"), relative=OuterRef("person"), kind=RelationKind.CHILD
        )
    ) | Exists(
        Relation.objects.filter(
            person=OuterRef("person"), relative=OuterRef("through"), kind=RelationKind.PARENT
        )
    )
    holders = Identity.objects.filter(
        child_of_member,
        kind=IdentityKind.MILITARY_FAMILY,
        until__isnull=True,
        person__birth_date__lte=latest_birth,
        person__dependent_adult=False,
    ).select_related("person", "through")
    changed = 0
    for item in holders:
        birthday = _years_after(item.person.birth_date, people_selectors.ADULT_AGE)
        changed += sync_military_family(
            actor=None, member=item.through, on=max(birthday, item.since), source=f"tick:{today.isoformat()}"
        )
    return changed


def _years_after(day: datetime.date, years: int) -> datetime.date:
    """The anniversary; 29 February counts from 1 March in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone `years` old on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February: born on 28 February or earlier has had the birthday
        return datetime.date(day.year - years, 2, 28)


def task(
    kind: str, *, dept: str, due: DueRule, of: str = SUBJECT, once: str = "per_event", rule: str = ""
) -> Effect:
    """A task for the subject (or his household). once="per_event": one per fact (a second
    enlistment gets a second gift pack); once="ever": one per subject for good under `rule`
    (the plaque, shared by enlistment, discharge and death: it is never replaced)."""

    def apply(event: DomainEvent) -> None:
        person = event.person
        household = person.household if of == HOUSEHOLD and person.household_id else None
        # No household recorded yet: the task stays with him.
        subject = {"household": household} if household is not None else {"person": person}
        if once == "ever":
            kept = _task_for_good(rule or f"{event.kind}:{kind}", person)
            if kept is not None:
                if kept.cause_id and kept.cause_id == event.payload.get("replaces"):
                    retarget(task=kept, cause=event, period=kept.period, due_on=due(event))
                carry_forward(task=kept, due_on=due(event), cause=event, household=household)
                return
        carried = _task_of_replaced(event, rule or f"{event.kind}:{kind}")
        if carried is not None:
            retarget(task=carried, cause=event, period=event.key, due_on=due(event))
            return
        ensure_task(
            kind=kind,
            rule=rule or f"{event.kind}:{kind}",
            department=dept,
            due_on=due(event),
            region_code=person.region_id,
            period="" if once == "ever" else event.key,
            cause=event,
            **subject,
        )

    apply.__name__ = f"task_{kind}"
    return apply


def _task_of_replaced(event: DomainEvent, rule: str) -> Task | None:
    """A fact re-applied after a correction keeps the task its first version made (open: due
    from the corrected date; done: done), rather than a second one."""
    replaced = event.payload.get("replaces")
    if not replaced:
        return None
    return Task.objects.filter(cause_id=replaced, rule=rule).first()


def _task_for_good(rule: str, person: Person) -> Task | None:
    """The task kept for good under `rule` for the person's household: keyed to the household,
    or — recorded before the household was — to him or any of its members. Household first."""
    keys = [f"person:{person.pk}"]
    if person.household_id:
        members = Person.objects.filter(household_id=person.household_id).values_list("pk", flat=True)
        keys += [f"household:{person.household_id}", *(f"person:{pk}" for pk in members)]
    found = list(Task.objects.filter(rule=rule, subject_key__in=keys))
    found.sort(
        key=lambda t: (not t.subject_key.startswith("household:"), t.status not in OPEN_STATUSES, t.pk)
    )
    return found[0] if found else None


def open_service_record(event: DomainEvent) -> None:
    """Enlistment opens the service record (conscript unless the event says otherwise)."""
    existing = event.person.service_records.filter(enlisted_on=event.occurred_on).first()
    if existing is not None:
        if event.payload.get("replaces") and existing.opened_by == f"event:{event.payload['replaces']}":
            # A corrected enlistment date was written on the record; it now stems from this event.
            people_services.change_service_record(
                actor=event.actor, service_record=existing, opened_by=f"event:{event.pk}"
            )
        return
    people_services.add_service_record(
        actor=event.actor,
        person=event.person,
        enlisted_on=event.occurred_on,
        service_type=event.payload.get("service_type", "conscript"),
        branch=event.payload.get("branch", ""),
        opened_by=f"event:{event.pk}",
    )


# What a discharge settles, carried in its event's payload and written with the discharge date.
SETTLED_ON_CLOSE = ("settlement_type", "discharge_certificate_no")


def close_service_record(event: DomainEvent) -> None:
    """Sets the discharge date on the open service record (returned recruits, discharges), and
    what the discharge settles, in one write."""
    open_record = (
        event.person.service_records.filter(discharged_on__isnull=True).order_by("-enlisted_on").first()
    )
    if open_record is not None:
        settled = {name: event.payload[name] for name in SETTLED_ON_CLOSE if event.payload.get(name)}
        people_services.close_service_record(
            actor=event.actor,
            service_record=open_record,
            on=max(event.occurred_on, open_record.enlisted_on),
            closed_by=f"event:{event.pk}",
            **settled,
        )


def cancel_open_tasks(*kinds: str) -> Effect:
    """Work that the fact made pointless (a returned recruit needs no gift pack) is cancelled."""

    def apply(event: DomainEvent) -> None:
        for open_task in Task.objects.filter(person=event.person, kind__in=kinds, status__in=OPEN_STATUSES):
            cancel_task(
                actor=event.actor,
                task=open_task,
                reason=f"{event.get_kind_display()}，无需再办",
                by=f"event:{event.pk}",
            )

    apply.__name__ = "cancel_open_tasks_" + "_".join(kinds)
    return apply


# --- corrections and withdrawals (desk/rules.py FACT_CORRECTED / FACT_WITHDRAWN) ------------------
# A correction's event names the event of the fact as first recorded ("original") and, for a
# correction, the fact to record again ("reapply"): what the original caused is reversed
# through its links (identities' source and ended_by, the service record's closed_by, tasks'
# cause, the allowance's cause and stopped_by, the bonus's event), then the fact is applied again
# under a new key. Paid money is never touched: paid_items_touched opens a task for the county.


def original_of(event: DomainEvent) -> DomainEvent | None:
    original = event.payload.get("original")
    return DomainEvent.objects.filter(pk=original).first() if original else None


def reverse_identities(event: DomainEvent) -> None:
    """Identities the original granted are taken back; those it ended are open again."""
    original = original_of(event)
    if original is None:
        return
    source, reason = f"event:{original.pk}", f"event:{event.pk}"
    for item in Identity.objects.filter(source=source).select_related("person"):
        people_services.revoke_identity(actor=event.actor, identity=item, source=reason)
    for item in Identity.objects.filter(ended_by=source).select_related("person"):
        people_services.reopen_identity(actor=event.actor, identity=item, source=reason)


def reopen_service_record(event: DomainEvent) -> None:
    """A service record the original closed (discharge, death, 退兵) is open again."""
    original = original_of(event)
    if original is None:
        return
    for item in original.person.service_records.filter(closed_by=f"event:{original.pk}"):
        people_services.reopen_service_record(
            actor=event.actor, service_record=item, source=f"event:{event.pk}"
        )


def reopen_cancelled_work(event: DomainEvent) -> None:
    """Tasks the original cancelled (a 退兵's gift pack and 优待金 recipient) are open again."""
    original = original_of(event)
    if original is None:
        return
    for item in Task.objects.filter(cancelled_by=f"event:{original.pk}"):
        reopen_task(
            actor=event.actor,
            task=item,
            reason=f"{original.get_kind_display()}已{EventKind(event.kind).label}：{event.payload.get('reason', '')}",
        )


def reapply_corrected_fact(event: DomainEvent) -> None:
    """The corrected fact is recorded again under a new key, and its rules run from the start;
    its first version's tasks are carried over (task above), not created twice."""
    from yizhan.lifecycle.services import emit  # emit applies this table: a deferred import

    again = event.payload.get("reapply")
    if not again:
        return
    emit(
        kind=again["kind"],
        key=again["key"],
        person=event.person,
        occurred_on=datetime.date.fromisoformat(again["occurred_on"]),
        actor=event.actor,
        payload={**again.get("payload", {}), "replaces": event.payload.get("original")},
    )


def cancel_work_left_behind(event: DomainEvent) -> None:
    """Open tasks still caused by the original — the withdrawn fact's, or those the corrected
    fact no longer calls for — are cancelled with the reason."""
    original = original_of(event)
    if original is None:
        return
    verb = EventKind(event.kind).label
    for open_task in Task.objects.filter(cause=original, status__in=OPEN_STATUSES):
        cancel_task(
            actor=event.actor,
            task=open_task,
            reason=f"{original.get_kind_display()}已{verb}：{event.payload.get('reason', '')}",
        )


def paid_items_touched(event: DomainEvent, items: list[str]) -> None:
    """Money already paid is never changed here: the county gets a task naming each paid item
    the correction touches, to recover or pay the difference by hand."""
    if not items:
        return
    # Named on the correction itself, so the timeline and the task's cause show them.
    event.payload["paid_items"] = [*event.payload.get("paid_items", []), *items]
    event.save(update_fields=["payload"])
    ensure_task(
        kind=TaskKind.PAID_ITEM_CORRECTED,
        rule="correction:paid_item",
        department=TaskDepartment.VETERANS,
        due_on=event.occurred_on + datetime.timedelta(days=30),
        region_code=event.person.region_id,
        person=event.person,
        period=f"event:{event.pk}",
        cause=event,
        escalated_to=Escalation.COUNTY,
    )
