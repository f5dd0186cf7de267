"""The building blocks of rules.py: each returns a function applied to a DomainEvent inside the
transaction that recorded it. Named for what they do, so the table reads as a sentence."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Exists, OuterRef

from yizhan.accounts.models import User
from yizhan.core.policy_values import policy_value
from yizhan.lifecycle.calendar import add_working_days, next_holiday
from yizhan.lifecycle.models import DomainEvent
from yizhan.people import selectors as people_selectors
from yizhan.people import services as people_services
from yizhan.people.models import Identity, IdentityKind, Person, Relation, RelationKind
from yizhan.worklist.models import OPEN_STATUSES, Task
from yizhan.worklist.services import cancel as cancel_task
from yizhan.worklist.services import carry_forward, ensure_task

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
                carry_forward(task=kept, due_on=due(event), cause=event, household=household)
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
    if event.person.service_records.filter(enlisted_on=event.occurred_on).exists():
        return
    people_services.add_service_record(
        actor=event.actor,
        person=event.person,
        enlisted_on=event.occurred_on,
        service_type=event.payload.get("service_type", "conscript"),
        branch=event.payload.get("branch", ""),
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
            **settled,
        )


def cancel_open_tasks(*kinds: str) -> Effect:
    """Work that the fact made pointless (a returned recruit needs no gift pack) is cancelled."""

    def apply(event: DomainEvent) -> None:
        for open_task in Task.objects.filter(person=event.person, kind__in=kinds, status__in=OPEN_STATUSES):
            cancel_task(actor=event.actor, task=open_task, reason=f"{event.get_kind_display()}，无需再办")

    apply.__name__ = "cancel_open_tasks_" + "_".join(kinds)
    return apply
