import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from yizhan.accounts.models import ActiveSession
from yizhan.accounts.roles import Perm, Role
from yizhan.audit.models import AuditEvent
from yizhan.core.policy import POLICY_OBJECT_TYPES, policy_chain
from yizhan.core.scopes import scoped


def events_visible_to(user) -> QuerySet[AuditEvent]:
    """Station heads and county officers see events in their jurisdiction; administrators see
    system events (logins, accounts, regions), which carry no region and no personal values."""
    if not user.can(Perm.VIEW_AUDIT):
        return AuditEvent.objects.none()
    condition = scoped(user, "audit.AuditEvent")
    # A policy set above a station governs it: the station sees the change (no personal data).
    above = {code for post in user.active_posts if post.region_id for code in policy_chain(post.region_id)}
    if above:
        condition |= Q(region_code__in=above, object_type__in=POLICY_OBJECT_TYPES)
    if any(p.role == Role.SYSADMIN for p in user.active_posts):
        condition |= Q(region_code="")
    return AuditEvent.objects.filter(condition)


# 登录日志: what a sign-in leaves in the trail (accounts/signals.py, accounts/views.py).
LOGIN_ACTIONS = ("login", "login_failed", "login.otp_failed", "logout")


def logins_visible_to(user) -> QuerySet[AuditEvent]:
    """Logins of accounts in the user's region; an administrator sees every account's (a login
    names an account, no registry person)."""
    if not user.can(Perm.VIEW_AUDIT):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(action__in=LOGIN_ACTIONS)
    if any(p.role == Role.SYSADMIN for p in user.active_posts):
        return events
    return events.filter(scoped(user, "audit.AuditEvent"))


def operations_visible_to(user) -> QuerySet[AuditEvent]:
    """操作日志: the trail the user may see, less the logins (their own page)."""
    return events_visible_to(user).exclude(action__in=LOGIN_ACTIONS)


def filtered(
    events: QuerySet[AuditEvent],
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_ids: list[str] | None = None,
    since=None,
    until=None,
) -> QuerySet[AuditEvent]:
    """The log pages' filters. `actor`: a user name or part of a display name; `until` includes
    its day."""
    if actor:
        events = events.filter(Q(actor__username=actor) | Q(actor_name__contains=actor))
    if action:
        events = events.filter(action=action)
    if object_ids is not None:
        events = events.filter(object_type=object_type, object_id__in=object_ids)
    # Local midnights as bounds, so the index on `at` serves the range.
    if since:
        events = events.filter(at__gte=_midnight(since))
    if until:
        events = events.filter(at__lt=_midnight(until + datetime.timedelta(days=1)))
    return events


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def sessions_visible_to(user) -> QuerySet[ActiveSession]:
    """在线用户: sessions seen within the idle limit, an administrator's all of them, a station
    head's those of his region (never an administrator's)."""
    if not user.can(Perm.END_SESSIONS):
        return ActiveSession.objects.none()
    alive = timezone.now() - datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS)
    rows = ActiveSession.objects.filter(last_seen_at__gte=alive).select_related("user")
    if any(p.role == Role.SYSADMIN for p in user.active_posts):
        return rows
    return rows.filter(scoped(user, "accounts.ActiveSession"))
