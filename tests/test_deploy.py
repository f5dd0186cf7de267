"""Production mode: `yizhan check --deploy` passes with no warning (the silenced ones are
explained in docs/decisions.md), HSTS, secure cookies and the https redirect are on — or the
redirect is left to the proxy when TLS ends there — and DEBUG=true is refused."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import yizhan
from yizhan import config

CLI = Path(sys.executable).with_name("yizhan")
# The child processes run the code under test (a worktree's src/), not whatever the venv installed.
SOURCE = str(Path(yizhan.__file__).resolve().parents[1])


def _production(tmp_path, **extra) -> dict[str, str]:
    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": SOURCE,
        "YIZHAN_MODE": "production",
        "YIZHAN_DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "station.example",
        "YIZHAN_KEYS": f"k1:{key()}",
        "YIZHAN_INDEX_KEY": key(),
        **extra,
    }


def _settings_of(env: dict[str, str], *names: str) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "yizhan.settings"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("behind_proxy", ["false", "true"])
def test_check_deploy_passes_with_no_warning_in_production_mode(tmp_path, behind_proxy):
    env = _production(tmp_path, YIZHAN_TLS_AT_PROXY=behind_proxy)
    result = subprocess.run(
        [str(CLI), "check", "--deploy", "--fail-level", "WARNING"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_mode_turns_on_hsts_secure_cookies_and_the_https_redirect(tmp_path):
    values = _settings_of(
        _production(tmp_path),
        "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER", "REQUIRE_OTP", "DEBUG",
    )  # fmt: skip
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["REQUIRE_OTP"] is True and values["DEBUG"] is False


def test_behind_a_tls_proxy_the_proxy_redirects_and_says_the_scheme(tmp_path):
    values = _settings_of(
        _production(tmp_path, YIZHAN_TLS_AT_PROXY="true"), "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER"
    )
    assert not values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_local_mode_keeps_plain_http_and_optional_two_factor(tmp_path):
    values = _settings_of(
        {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": SOURCE, "YIZHAN_DATA_DIR": str(tmp_path)},
        "SECURE_SSL_REDIRECT", "REQUIRE_OTP",
    )  # fmt: skip
    assert not values["SECURE_SSL_REDIRECT"] and values["REQUIRE_OTP"] is False


@pytest.mark.parametrize(
    ("change", "message"),
    [({"DEBUG": "true"}, "不能开启 DEBUG"), ({"YIZHAN_REQUIRE_OTP": "false"}, "双因素登录")],
)
def test_production_mode_refuses_debug_and_turning_off_two_factor(tmp_path, change, message):
    with pytest.raises(config.ConfigError, match=message):
        config.load(_production(tmp_path, **change))


def test_local_mode_may_require_two_factor_and_set_the_session_and_password_limits(tmp_path):
    loaded = config.load(
        {
            "YIZHAN_DATA_DIR": str(tmp_path),
            "YIZHAN_REQUIRE_OTP": "true",
            "YIZHAN_SESSION_IDLE_MINUTES": "15",
            "YIZHAN_PASSWORD_MAX_AGE_DAYS": "60",
        }
    )
    assert loaded.require_otp
    assert loaded.limits.session_idle_minutes == 15 and loaded.limits.session_max_hours == 8
    assert loaded.limits.password_max_age_days == 60
