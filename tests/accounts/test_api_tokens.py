"""接口令牌: issued with an expiry, listed, revoked in the 系统 pages; revocation and expiry take
effect on the very next call; no token acts as an administrator."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from yizhan.accounts.models import ApiToken, User
from yizhan.accounts.services import TokenRefused, issue_api_token, user_for_token
from yizhan.audit.models import AuditEvent


def _call(client, token: str):
    return client.get("/api/people-count", headers={"Authorization": f"Bearer {token}"})


def test_a_revoked_token_stops_answering_on_the_very_next_call(world, client, login_as):
    token = issue_api_token(actor=None, user=User.objects.get(username="xinhu_clerk"), name="对接测试")
    assert _call(client, token).status_code == 200
    issued = ApiToken.objects.get()
    admin = login_as("admin")
    response = admin.post(reverse("system:revoke_token", args=[issued.pk]))
    assert response.status_code == 302
    answer = _call(client, token)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "未登录，或令牌无效、已停用。"
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(issued.pk)).exists()


def test_an_expired_token_stops_answering(world, client):
    user = User.objects.get(username="xinhu_clerk")
    token = issue_api_token(
        actor=None, user=user, name="短期", expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert _call(client, token).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _call(client, token).status_code == 401


def test_an_ended_post_stops_the_token_at_once(world, client):
    from yizhan.worklist.services import end_post

    user = User.objects.get(username="xinhu_clerk")
    token = issue_api_token(actor=None, user=user, name="对接测试")
    assert user_for_token(token) is not None
    end_post(actor=None, post=user.posts.get(), on=timezone.localdate())
    assert user_for_token(token) is None


def test_no_token_is_issued_to_an_administrator(world):
    with pytest.raises(TokenRefused, match="系统管理员"):
        issue_api_token(actor=None, user=User.objects.get(username="admin"), name="管理")


def test_a_token_whose_user_became_an_administrator_no_longer_answers(world):
    from yizhan.accounts.roles import Department, Role
    from yizhan.accounts.services import grant_post

    user = User.objects.get(username="xinhu_clerk")
    token = issue_api_token(actor=None, user=user, name="对接测试")
    grant_post(actor=None, user=user, role=Role.SYSADMIN, department=Department.BOTH, region_code=None)
    assert user_for_token(token) is None


def test_the_tokens_page_issues_a_token_once_with_its_expiry_and_lists_it(world, login_as, client):
    admin = login_as("admin")
    day = timezone.localdate() + datetime.timedelta(days=30)
    response = admin.post(
        reverse("system:tokens"),
        {"username": "xinhu_clerk", "name": "区县对接", "expires_on": day.isoformat()},
    )
    body = response.content.decode()
    shown = response.context["issued"]
    assert shown and shown in body
    issued = ApiToken.objects.get()
    assert timezone.localtime(issued.expires_at).date() == day + datetime.timedelta(days=1)
    assert _call(client, shown).status_code == 200
    listing = admin.get(reverse("system:tokens")).content.decode()
    assert "区县对接" in listing and "有效" in listing and shown not in listing


def test_the_tokens_page_refuses_an_administrator_a_past_date_and_an_unknown_account_in_chinese(
    world, login_as
):
    admin = login_as("admin")
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for data, message in [
        ({"username": "admin", "name": "x", "expires_on": future}, "系统管理员账号不能持有接口令牌。"),
        ({"username": "xinhu_clerk", "name": "x", "expires_on": past}, "有效期不能早于今天。"),
        ({"username": "nobody", "name": "x", "expires_on": future}, "没有这个账号。"),
    ]:
        response = admin.post(reverse("system:tokens"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_only_administrators_open_the_tokens_page(login_as):
    assert login_as("admin").get(reverse("system:tokens")).status_code == 200
    for name in ["decheng", "xinhu_head", "xinhu_clerk"]:
        assert login_as(name).get(reverse("system:tokens")).status_code == 403
