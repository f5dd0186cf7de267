"""The client address behind the reverse proxy: believed from X-Forwarded-For only when the
direct peer is a proxy listed in TRUSTED_PROXIES (docs/deployment.md)."""

import ipaddress

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from yizhan.audit.context import client_address
from yizhan.audit.models import AuditEvent
from yizhan.config import DEMO_PASSWORD


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/24")]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # the proxy adds the client
        ("127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own header is not believed
        ("127.0.0.1", "203.0.113.9, 10.0.0.5", "203.0.113.9"),  # two trusted proxies in a row
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not a listed proxy: its header is ignored
    ],
)
def test_the_forwarded_address_is_believed_only_from_a_listed_proxy(
    behind_proxy, remote, forwarded, expected
):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_with_no_proxy_listed_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "127.0.0.1"


def test_behind_the_proxy_the_audit_trail_and_the_lockout_see_the_clerks_address(world, behind_proxy):
    def attempt(client_ip: str, password: str):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_ip).post(
            reverse("accounts:login"), {"username": "xinhu_clerk", "password": password}
        )

    for _ in range(5):
        attempt("192.168.1.20", "guess-guess-1")
    assert AuditEvent.objects.filter(action="login_failed").latest("id").ip == "192.168.1.20"
    assert attempt("192.168.1.20", DEMO_PASSWORD).status_code != 302  # locked out
    # Another clerk behind the same proxy is not: the lockout keys on his address, not the proxy's.
    assert attempt("192.168.1.21", DEMO_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="login").latest("id").ip == "192.168.1.21"
