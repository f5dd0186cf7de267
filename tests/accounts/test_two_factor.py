"""Two-factor login (TOTP + recovery codes): required for sysadmins, county officers and
station heads when REQUIRE_OTP is on (always in production), offered to everyone, optional in
local mode; the QR code is drawn here."""

from __future__ import annotations

import base64
import re
from binascii import unhexlify

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yizhan.accounts.views import SETUP_KEY
from yizhan.audit.models import AuditEvent


def _code(key_hex: str, *, step: int = 0) -> str:
    totp = TOTP(unhexlify(key_hex))
    totp.drift = step
    return f"{totp.token():06d}"


def _sign_in(client, username: str):
    response = client.post(reverse("accounts:login"), {"username": username, "password": "yizhan-demo"})
    assert response.status_code == 302
    return response


def _enrol(client) -> tuple[str, list[str]]:
    """Enrols an authenticator through the page; returns its key and the recovery codes."""
    page = client.get(reverse("accounts:otp_setup"))
    key = client.session[SETUP_KEY]
    assert page.context["qr"].startswith("data:image/svg+xml")
    response = client.post(reverse("accounts:otp_setup"), {"code": _code(key)})
    codes = response.context["codes"]
    return key, codes


def test_in_local_mode_the_demo_accounts_sign_in_with_their_password_alone(world, client, settings):
    settings.REQUIRE_OTP = False
    _sign_in(client, "admin")
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize("username", ["admin", "decheng", "xinhu_head"])
def test_when_required_a_privileged_user_must_enrol_before_anything_else(world, client, settings, username):
    settings.REQUIRE_OTP = True
    _sign_in(client, username)
    assert client.get(reverse("core:home")).url == reverse("accounts:otp_setup")
    _key, codes = _enrol(client)
    assert len(codes) == 10
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize("username", ["xinhu_clerk", "xinhu_village"])
def test_a_clerk_or_liaison_is_not_forced_but_may_enrol(world, client, settings, username):
    settings.REQUIRE_OTP = True
    _sign_in(client, username)
    assert client.get(reverse("core:home")).status_code == 200
    _enrol(client)
    assert TOTPDevice.objects.filter(user__username=username, confirmed=True).exists()


def test_an_enrolled_user_gives_the_code_at_each_login_and_nothing_opens_before(world, client, settings):
    settings.REQUIRE_OTP = False  # enrolled by choice: asked all the same
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the next test shows the delay
    _sign_in(client, "xinhu_clerk")
    key, _codes = _enrol(client)
    client.post(reverse("accounts:logout"))
    _sign_in(client, "xinhu_clerk")
    assert client.get(reverse("people:list")).url == reverse("accounts:otp_verify")
    page = client.get(reverse("accounts:otp_verify")).content.decode()
    assert 'autocomplete="one-time-code"' in page
    wrong = client.post(
        reverse("accounts:otp_verify"), {"code": "000000" if _code(key) != "000000" else "111111"}
    )
    assert "验证码不正确" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="login.otp_failed").exists()
    response = client.post(reverse("accounts:otp_verify"), {"code": _code(key, step=1)})
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_after_a_wrong_code_the_next_one_waits(world, client):
    _sign_in(client, "xinhu_clerk")
    key, _codes = _enrol(client)
    client.post(reverse("accounts:logout"))
    _sign_in(client, "xinhu_clerk")
    client.post(reverse("accounts:otp_verify"), {"code": "000000" if _code(key) != "000000" else "111111"})
    response = client.post(reverse("accounts:otp_verify"), {"code": _code(key)})
    assert "验证码错误次数过多，请稍等片刻再试。" in response.content.decode()
    assert client.get(reverse("core:home")).url == reverse("accounts:otp_verify")


def test_a_recovery_code_signs_in_once(world, client):
    _sign_in(client, "xinhu_clerk")
    _key, codes = _enrol(client)
    for attempt in range(2):
        client.post(reverse("accounts:logout"))
        _sign_in(client, "xinhu_clerk")
        response = client.post(reverse("accounts:otp_verify"), {"code": codes[0]})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get(reverse("core:home")).status_code == 200
        else:
            assert "验证码不正确" in response.content.decode()


def test_enrolment_refuses_a_wrong_code_and_stores_no_device(world, client):
    _sign_in(client, "xinhu_clerk")
    client.get(reverse("accounts:otp_setup"))
    key = client.session[SETUP_KEY]
    wrong = "123456" if _code(key) != "123456" else "654321"
    response = client.post(reverse("accounts:otp_setup"), {"code": wrong})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_the_qr_code_and_the_secret_name_the_same_key_and_nothing_external(world, client):
    _sign_in(client, "xinhu_clerk")
    page = client.get(reverse("accounts:otp_setup"))
    key = client.session[SETUP_KEY]
    secret = page.context["secret"].replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == unhexlify(key)
    html = page.content.decode()
    assert re.search(r'<img[^>]+src="data:image/svg\+xml', html)
    assert "http://" not in html.split("<body", 1)[1] and "https://" not in html.split("<body", 1)[1]


def test_a_required_user_cannot_turn_it_off_and_another_can(world, client, settings):
    settings.REQUIRE_OTP = True
    _sign_in(client, "xinhu_head")
    _enrol(client)
    client.post(reverse("accounts:otp_disable"))
    assert TOTPDevice.objects.filter(user__username="xinhu_head").exists()
    settings.REQUIRE_OTP = False
    client.post(reverse("accounts:otp_disable"))
    assert not TOTPDevice.objects.filter(user__username="xinhu_head").exists()


def test_renewed_recovery_codes_replace_the_old_ones(world, client, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    _sign_in(client, "xinhu_clerk")
    _key, old = _enrol(client)
    new = client.post(reverse("accounts:recovery_codes")).context["codes"]
    assert set(new).isdisjoint(old)
    client.post(reverse("accounts:logout"))
    _sign_in(client, "xinhu_clerk")
    assert "验证码不正确" in client.post(reverse("accounts:otp_verify"), {"code": old[1]}).content.decode()
    assert client.post(reverse("accounts:otp_verify"), {"code": new[1]}).status_code == 302


def test_turning_it_off_oneself_is_audited_with_oneself_as_the_actor(world, client, settings):
    settings.REQUIRE_OTP = False
    _sign_in(client, "xinhu_clerk")
    _enrol(client)
    client.post(reverse("accounts:otp_disable"))
    event = AuditEvent.objects.get(action="otp.disable")
    assert event.actor.username == "xinhu_clerk" and event.object_id == str(event.actor.pk)
    assert AuditEvent.objects.get(action="otp.enable").actor.username == "xinhu_clerk"


def test_a_manager_resets_a_lost_authenticator_and_the_audit_row_names_him(world, client, login_as, settings):
    settings.REQUIRE_OTP = False  # the administrator's own second factor is not this test's
    _sign_in(client, "xinhu_head")
    _enrol(client)
    head = TOTPDevice.objects.get(user__username="xinhu_head").user
    admin = login_as("admin")
    detail = admin.get(reverse("system:staff_detail", args=[head.pk])).content.decode()
    assert 'data-testid="otp-reset"' in detail
    refused = admin.post(reverse("system:staff_otp_reset", args=[head.pk]), follow=True).content.decode()
    assert "请填写重置原因。" in refused and TOTPDevice.objects.filter(user=head).exists()
    admin.post(reverse("system:staff_otp_reset", args=[head.pk]), {"reason": "手机丢失"})
    assert not TOTPDevice.objects.filter(user=head).exists()
    event = AuditEvent.objects.get(action="otp.reset")
    assert (event.actor.username, event.object_id, event.reason) == ("admin", str(head.pk), "手机丢失")
    # Required for a head: he enrols again before anything else.
    settings.REQUIRE_OTP = True
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:otp_setup"))


def test_no_one_resets_the_second_factor_of_an_account_he_does_not_manage(world, client, login_as, persona):
    from django.core.exceptions import PermissionDenied

    from yizhan.accounts import otp

    _sign_in(client, "huaqiao_clerk")
    _enrol(client)
    target = persona("huaqiao_clerk")
    assert (
        login_as("xinhu_head")
        .post(reverse("system:staff_otp_reset", args=[target.pk]), {"reason": "手机丢失"})
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        otp.disable(actor=persona("xinhu_head"), user=target, reason="手机丢失")
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEvent.objects.filter(action__in=["otp.reset", "otp.disable"]).exists()
