"""Session limits (idle 30 minutes, at most 8 hours) and 在线用户: last activity written at most
once a minute; a sysadmin or a station head ends a session within his region."""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yizhan.accounts.models import ActiveSession
from yizhan.accounts.sessions import SEEN, STARTED
from yizhan.audit.models import AuditEvent


def _signed_in(username: str) -> Client:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11) Chromium")
    response = client.post(reverse("accounts:login"), {"username": username, "password": "yizhan-demo"})
    assert response.status_code == 302
    return client


def _age(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"started": STARTED, "seen": SEEN}[key]] = time.time() - ago
    session.save()


def test_a_session_idle_past_the_limit_is_signed_out_with_the_reason(world, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    client = _signed_in("xinhu_clerk")
    _age(client, seen=29 * 60)
    assert client.get(reverse("core:home")).status_code == 200
    _age(client, seen=31 * 60)
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    login_page = client.get(response.url).content.decode()
    assert "长时间未操作，已自动退出" in login_page
    assert client.get(reverse("core:home")).status_code == 302  # signed out for good
    logout = AuditEvent.objects.filter(action="logout").latest("id")
    assert logout.changes["reason"] == "idle"
    assert not ActiveSession.objects.exists()


def test_a_busy_session_still_ends_after_eight_hours(world, settings):
    settings.SESSION_MAX_SECONDS = 8 * 3600
    client = _signed_in("xinhu_clerk")
    _age(client, started=8 * 3600 + 1, seen=0)
    response = client.get(reverse("core:home"))
    assert response.url.startswith(reverse("accounts:login"))
    assert "登录已超过最长时限" in client.get(response.url).content.decode()


def test_activity_is_written_at_most_once_a_minute(world):
    client = _signed_in("xinhu_clerk")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            client.get(reverse("core:home"))
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert not [w for w in writes if "django_session" in w or "accounts_activesession" in w]
    before = ActiveSession.objects.get().last_seen_at
    _age(client, seen=61)
    client.get(reverse("core:home"))
    assert ActiveSession.objects.get().last_seen_at > before


def test_online_users_lists_the_sessions_of_the_viewers_region_only(world):
    clerk = _signed_in("xinhu_clerk")
    _signed_in("huaqiao_clerk")
    _signed_in("admin")
    head = _signed_in("xinhu_head")
    page = head.get(reverse("system:online"))
    usernames = {s.user.username for s in page.context["rows"]}
    assert usernames == {"xinhu_clerk", "xinhu_head"}
    assert "Chromium" in page.content.decode()
    assert clerk.get(reverse("system:online")).status_code == 403
    everyone = _signed_in("admin").get(reverse("system:online")).context["rows"]
    assert {"huaqiao_clerk", "admin", "xinhu_clerk"} <= {s.user.username for s in everyone}


def test_a_station_head_ends_his_clerks_session_and_the_clerk_must_sign_in_again(world):
    clerk = _signed_in("xinhu_clerk")
    head = _signed_in("xinhu_head")
    target = ActiveSession.objects.get(user__username="xinhu_clerk")
    response = head.post(reverse("system:end_session", args=[target.pk]))
    assert response.status_code == 302
    assert clerk.get(reverse("core:home")).url.startswith(reverse("accounts:login"))
    event = AuditEvent.objects.get(action="session.end")
    assert event.region_code == "371402001000" and event.actor.username == "xinhu_head"


def test_a_station_head_cannot_end_a_session_outside_his_region_or_an_administrators(world):
    foreign = _signed_in("huaqiao_clerk")
    admin = _signed_in("admin")
    head = _signed_in("xinhu_head")
    for username in ["huaqiao_clerk", "admin"]:
        target = ActiveSession.objects.get(user__username=username)
        assert head.post(reverse("system:end_session", args=[target.pk])).status_code == 404
    assert foreign.get(reverse("core:home")).status_code == 200
    assert admin.get(reverse("system:index")).status_code == 200


def test_an_administrator_ends_any_session(world):
    foreign = _signed_in("huaqiao_clerk")
    admin = _signed_in("admin")
    target = ActiveSession.objects.get(user__username="huaqiao_clerk")
    assert admin.post(reverse("system:end_session", args=[target.pk])).status_code == 302
    assert foreign.get(reverse("core:home")).status_code == 302


def test_a_county_officer_sees_logs_but_ends_no_session(world):
    officer = _signed_in("decheng")
    assert officer.get(reverse("system:online")).status_code == 403
    assert officer.get(reverse("system:logins")).status_code == 200
