"""The password policy (等保): length and kinds, no user name, no demo password in production,
none of the last five again, expiry; must_change_password and an expired password lead to the
change page and nowhere else until changed. Every message Chinese."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.accounts.services import change_password

GOOD = "Hongqi-2027x"


def _reasons(password: str, user) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1-xyz", "至少 10 位"),  # too short
        ("abcdefghijkl", "至少 3 种"),  # one kind
        ("abcdefgh1234", "至少 3 种"),  # two kinds
        ("XX-xinhu_clerk-9", "不能包含用户名"),
    ],
)
def test_it_refuses_a_weak_password_with_a_chinese_reason(persona, password, reason):
    reasons = _reasons(password, persona("xinhu_clerk"))
    assert any(reason in r for r in reasons), reasons


@pytest.mark.parametrize("password", [GOOD, "红旗渠Ab12345", "hongqi2027!x"])
def test_it_accepts_ten_characters_of_three_kinds(persona, password):
    assert _reasons(password, persona("xinhu_clerk")) == []


def test_the_demo_password_is_refused_in_production_only(persona, settings):
    user = persona("xinhu_clerk")
    settings.YIZHAN_DEMO_PASSWORD = "Yizhan-Demo-2027"
    assert _reasons("Yizhan-Demo-2027", user) == []
    settings.YIZHAN_MODE = "production"
    assert "不能使用演示密码。" in _reasons("Yizhan-Demo-2027", user)


def test_none_of_the_last_five_passwords_comes_back(persona):
    user = persona("xinhu_clerk")
    used = [f"Hongqi-{n}-2027" for n in range(5)]
    for password in used:
        change_password(actor=user, user=user, password=password)
    for password in used:
        with pytest.raises(ValidationError, match="最近 5 次"):
            change_password(actor=user, user=user, password=password)
    change_password(actor=user, user=user, password="Hongqi-5-2027")
    change_password(actor=user, user=user, password=used[0])  # six changes ago: allowed again
    assert user.check_password(used[0])


def _must_change(persona, **fields) -> User:
    user = persona("xinhu_clerk")
    User.objects.filter(pk=user.pk).update(**fields)
    return user


def test_a_user_who_must_change_his_password_reaches_no_other_page(persona, client):
    user = _must_change(persona, must_change_password=True)
    client.force_login(user)
    for url in [reverse("core:home"), reverse("people:list"), "/api/people-count"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("accounts:password_change"), url
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "请先修改为只有您自己知道的密码" in page


def test_after_changing_it_he_works_on_in_the_same_session(persona, client):
    user = _must_change(persona, must_change_password=True)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "yizhan-demo", "new_password": GOOD, "new_password_again": GOOD},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password and user.password_changed_at is not None


def test_an_expired_password_leads_to_the_change_page(persona, client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = _must_change(persona, password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(user)
    assert client.get(reverse("core:home")).url == reverse("accounts:password_change")
    assert "您的密码已到期" in client.get(reverse("accounts:password_change")).content.decode()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=89))
    assert client.get(reverse("core:home")).status_code == 200


def test_the_change_page_says_every_mistake_in_chinese_and_changes_nothing(persona, client):
    user = persona("xinhu_clerk")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password": "short", "new_password_again": "other"},
    )
    body = response.content.decode()
    assert "当前密码不正确。" in body and "两次输入的新密码不一致。" in body
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "yizhan-demo", "new_password": "short", "new_password_again": "short"},
    )
    assert "至少 10 位" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("yizhan-demo")


def test_every_user_has_the_change_page(login_as):
    for name in ["admin", "decheng", "xinhu_head", "xinhu_clerk", "xinhu_village", "huaqiao_clerk"]:
        assert login_as(name).get(reverse("accounts:password_change")).status_code == 200, name


def test_the_demo_password_does_not_expire_in_local_mode_but_another_one_does(persona, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    long_ago = timezone.now() - datetime.timedelta(days=400)
    User.objects.filter(username="xinhu_clerk").update(password_changed_at=long_ago, date_joined=long_ago)
    demo = Client()
    demo.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": "yizhan-demo"})
    assert demo.get(reverse("core:home")).status_code == 200
    user = persona("xinhu_clerk")
    user.set_password(GOOD)
    user.save(update_fields=["password"])
    own = Client()
    own.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": GOOD})
    assert own.get(reverse("core:home")).url == reverse("accounts:password_change")
