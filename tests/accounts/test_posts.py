import datetime

from django.test import Client
from django.urls import reverse

from yizhan.config import DEMO_PASSWORD
from yizhan.regions.models import scope_bounds
from yizhan.worklist.services import end_post


def test_a_station_post_scopes_to_its_township_by_code_range(persona):
    assert persona("xinhu_clerk").scope_bounds == [("371402001000", "371402002000")]
    assert persona("decheng").scope_bounds == [("371402000000", "371403000000")]
    assert persona("xinhu_village").scope_bounds == [("371402001001", "371402001002")]


def test_administrators_see_no_personal_data_by_default(persona):
    assert persona("admin").scope_bounds == []
    assert not persona("admin").can("view_people")


def test_scope_bounds_carry_over_a_digit_boundary():
    assert scope_bounds("371499000000") == ("371499000000", "371500000000")
    assert scope_bounds("440114003999") == ("440114003999", "440114004000")


def test_a_user_whose_posts_all_ended_cannot_sign_in(persona):
    clerk = persona("xinhu_clerk")
    end_post(actor=persona("xinhu_head"), post=clerk.active_posts[0], on=datetime.date.today())
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "没有有效岗位" in response.content.decode()


def test_production_mode_refuses_the_demo_password(persona, settings):
    settings.YIZHAN_MODE = "production"
    response = Client().post(
        reverse("accounts:login"), {"username": "xinhu_clerk", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_grant_post_creates_an_account_that_can_then_sign_in(world, monkeypatch):
    import io

    import pytest
    from django.core.management import CommandError, call_command

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    call_command(
        "grant_post", "zhang_clerk", "--role", "station_clerk", "--department", "veterans",
        "--region", "371402001000", "--title", "服务站干事", "--create", "张干事",
    )  # fmt: skip
    response = Client().post(
        reverse("accounts:login"), {"username": "zhang_clerk", "password": "a-long-password-1"}
    )
    assert response.status_code == 302
    with pytest.raises(CommandError, match="区划代码"):
        call_command("grant_post", "zhang_clerk", "--role", "station_clerk", "--region", "999999999999")


def test_five_failed_logins_lock_the_name_from_that_address_even_for_the_right_password(world):
    client = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": "guess-guess-1"})
    locked = client.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": DEMO_PASSWORD})
    assert locked.status_code == 429 or "已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client(REMOTE_ADDR="10.9.8.8").post(
        reverse("accounts:login"), {"username": "xinhu_clerk", "password": DEMO_PASSWORD}
    )
    assert other.status_code == 302  # another address is not locked out
