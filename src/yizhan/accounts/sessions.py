"""Signed-in sessions: their limits (idle and absolute), their last activity for 在线用户, and
ending one from the 系统 pages.

The session itself carries when it started and when it was last seen; both the session and the
ActiveSession row are written at most once every SESSION_TOUCH_SECONDS, so a busy clerk does not
cost SQLite a write per request."""

from __future__ import annotations

import datetime
import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from yizhan.accounts.models import ActiveSession, User
from yizhan.audit.services import record

STARTED = "yizhan_started"
SEEN = "yizhan_seen"
# Signed in with the demo password in local mode: its expiry is not enforced (the demo keeps
# working past 90 days; production refuses the demo password altogether).
DEMO_PASSWORD = "yizhan_demo_password"
IDLE, TOO_LONG = "idle", "max_age"
ENDED_BECAUSE = {
    IDLE: "长时间未操作，已自动退出，请重新登录。",
    TOO_LONG: "登录已超过最长时限，请重新登录。",
}


def login_region(user: User) -> str:
    """The region a user's logins, sessions and password events are filed under ("" for an
    administrator): whoever watches that region sees them."""
    post = user.primary_post
    return post.region_id or "" if post is not None else ""


def user_agent_of(request) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300]


def start(*, request, user: User, ip: str | None) -> None:
    """At login: the session's clock starts, and 在线用户 gets its row. Rows of sessions that
    can no longer be alive (past the absolute limit) are cleared here, so the table stays small
    without a cron job."""
    now = time.time()
    request.session[STARTED] = request.session[SEEN] = now
    if not request.session.session_key:
        request.session.save()
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.SESSION_MAX_SECONDS)
    ActiveSession.objects.filter(last_seen_at__lt=cutoff).delete()
    ActiveSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "region_code": login_region(user),
            "ip": ip,
            "user_agent": user_agent_of(request),
            "started_at": timezone.now(),
            "last_seen_at": timezone.now(),
        },
    )


def stop(*, session_key: str | None) -> None:
    if session_key:
        ActiveSession.objects.filter(session_key=session_key).delete()


def over_limit(session: SessionBase) -> str | None:
    """IDLE or TOO_LONG when the session must end now, else None."""
    now = time.time()
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return None  # signed in before these limits existed: touch() starts the clock
    if now - started > settings.SESSION_MAX_SECONDS:
        return TOO_LONG
    if now - seen > settings.SESSION_IDLE_SECONDS:
        return IDLE
    return None


def touch(session: SessionBase) -> None:
    """Records activity, at most once per SESSION_TOUCH_SECONDS."""
    now = time.time()
    if now - session.get(SEEN, 0) < settings.SESSION_TOUCH_SECONDS:
        return
    session.setdefault(STARTED, now)
    session[SEEN] = now
    if session.session_key:
        ActiveSession.objects.filter(session_key=session.session_key).update(last_seen_at=timezone.now())


@transaction.atomic
def end(*, actor: User, active: ActiveSession) -> None:
    """Ends another user's session now: his next request finds no session and goes to login."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=active.session_key)
    store.delete()
    record(
        actor=actor,
        action="session.end",
        object_type="user",
        object_id=active.user_id,
        region_code=active.region_code,
        changes={"user": active.user.username, "started_at": active.started_at.isoformat()},
    )
    active.delete()
