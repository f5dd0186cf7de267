"""Scoped reads of the 服务阵地 (core.scopes SCOPES)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from yizhan.conscription.models import Campaign, CandidateStatus
from yizhan.conscription.selectors import campaigns_visible_to
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.people.models import Household, Person
from yizhan.people.selectors import household_label, people_visible_to
from yizhan.regions.models import Region, scope_bounds
from yizhan.station.models import (
    ActivityKind,
    ActivityPhoto,
    ArchiveFile,
    ArchiveLoan,
    HonorEntry,
    JointActivity,
    Team,
)
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind

# --- teams ----------------------------------------------------------------------------------------


def teams_of(user, township: Region) -> QuerySet[Team]:
    return visible(user, "station.Team").filter(township=township)


def team_hours(user, township: Region) -> list[Team]:
    """The township's teams, each with its members' count and its service hours in total."""
    teams = teams_of(user, township)
    return list(teams.annotate(total_hours=Sum("hours__hours")).order_by("kind", "name"))


def get_team(*, user, pk: int) -> Team:
    return get_in_scope(visible(user, "station.Team").select_related("township"), pk=pk)


def members_of(user, team: Team):
    return visible(user, "station.TeamMember").filter(team=team).select_related("person__region")


def member_people(user, team: Team) -> QuerySet[Person]:
    return people_visible_to(user).filter(pk__in=members_of(user, team).values("person"))


def hours_of(user, team: Team):
    return visible(user, "station.ServiceHours").filter(team=team).select_related("person")


# --- activities -----------------------------------------------------------------------------------


def activities_of(user, township: Region) -> QuerySet[JointActivity]:
    return visible(user, "station.JointActivity").filter(township=township).select_related("campaign__county")


def get_activity(*, user, pk: int) -> JointActivity:
    return get_in_scope(
        visible(user, "station.JointActivity").select_related("township", "campaign__county"), pk=pk
    )


def participants_of(user, activity: JointActivity) -> QuerySet[Person]:
    """Those who took part, as far as the user may see them."""
    return people_visible_to(user).filter(pk__in=activity.persons.values("pk")).select_related("region")


def participating_households(user, activity: JointActivity) -> list[tuple[Household, str]]:
    """The families that took part, each with its label as far as the user may see its members."""
    visible_people = people_visible_to(user)
    return [
        (h, household_label(h, visible=visible_people)[0])
        for h in activity.households.select_related("region").order_by("pk")
    ]


def photos_of(activity: JointActivity) -> QuerySet[ActivityPhoto]:
    return activity.photos.all()


def get_activity_photo(*, user, activity_pk: int, pk: int) -> ActivityPhoto:
    """A photo of an activity the user may see, or 404 as if missing."""
    return get_in_scope(
        visible(user, "station.ActivityPhoto").filter(activity_id=activity_pk).select_related("activity"),
        pk=pk,
    )


def campaigns_for(user, township: Region) -> QuerySet[Campaign]:
    return campaigns_visible_to(user).filter(county_id=township.code[:6] + "000000")


def gift_packs_due(user, activity: JointActivity) -> list[Task]:
    """At a send-off: the open 入伍礼包 tasks of the intake's approved recruits of the township."""
    if activity.kind != ActivityKind.SEND_OFF or activity.campaign_id is None:
        return []
    lo, hi = scope_bounds(activity.township_id)
    recruits = activity.campaign.candidates.filter(
        status=CandidateStatus.ENLISTED, region_code__gte=lo, region_code__lt=hi
    ).values("person")
    return list(
        visible(user, "worklist.Task")
        .filter(kind=TaskKind.GIFT_PACK, status__in=OPEN_STATUSES, person__in=recruits)
        .select_related("person__region", "person__household")
        .order_by("person__region_id", "person__name", "pk")
    )


def recruits_of(user, activity: JointActivity) -> QuerySet[Person]:
    """The intake's approved recruits of the township (the send-off's list)."""
    if activity.campaign_id is None:
        return Person.objects.none()
    lo, hi = scope_bounds(activity.township_id)
    return (
        people_visible_to(user)
        .filter(
            candidacies__campaign=activity.campaign,
            candidacies__status=CandidateStatus.ENLISTED,
            candidacies__region_code__gte=lo,
            candidacies__region_code__lt=hi,
        )
        .select_related("region")
        .order_by("region_id", "name")
    )


# --- honors ---------------------------------------------------------------------------------------


def honors_of(user, township: Region) -> QuerySet[HonorEntry]:
    return visible(user, "station.HonorEntry").filter(township=township).select_related("person")


def get_honor(*, user, pk: int) -> HonorEntry:
    return get_in_scope(visible(user, "station.HonorEntry").select_related("person"), pk=pk)


def honor_roll(township_code: str, today: datetime.date | None = None) -> QuerySet[HonorEntry]:
    """What the hall screen of a township shows: consented, not withdrawn, of people still living
    under it. (A device is no user: it sees only this, by its own region.)"""
    today = today or timezone.localdate()
    lo, hi = scope_bounds(township_code)
    return (
        HonorEntry.objects.filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today),
            township_id=township_code,
            consent_on__lte=today,
            person__region_id__gte=lo,
            person__region_id__lt=hi,
            person__merged_into__isnull=True,
        )
        .select_related("person")
        .order_by("kind", "pk")
    )


# --- archives -------------------------------------------------------------------------------------


def archives_of(user, township: Region) -> QuerySet[ArchiveFile]:
    lo, hi = scope_bounds(township.code)
    return (
        visible(user, "station.ArchiveFile")
        .filter(person__region_id__gte=lo, person__region_id__lt=hi)
        .select_related("person")
        .prefetch_related("loans")
    )


def get_archive(*, user, pk: int) -> ArchiveFile:
    return get_in_scope(visible(user, "station.ArchiveFile").select_related("person"), pk=pk)


def get_loan(*, user, pk: int) -> ArchiveLoan:
    return get_in_scope(visible(user, "station.ArchiveLoan").select_related("archive__person"), pk=pk)


def files_to_receive(user, township: Region) -> QuerySet[Task]:
    lo, hi = scope_bounds(township.code)
    return (
        visible(user, "worklist.Task")
        .filter(kind=TaskKind.FILE_TRANSFER, status__in=OPEN_STATUSES, person__region_id__gte=lo,
                person__region_id__lt=hi)
        .select_related("person")
        .order_by("due_on", "pk")
    )  # fmt: skip


def get_file_task(*, user, pk: int) -> Task:
    return get_in_scope(
        visible(user, "worklist.Task").filter(kind=TaskKind.FILE_TRANSFER).select_related("person"), pk=pk
    )
