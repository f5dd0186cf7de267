from django.db.models import Q, QuerySet

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
