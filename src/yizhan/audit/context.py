"""The client address of the current request, for audit events written deep inside services
that (by house rule) never receive the request itself — and the one rule for finding it."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str | None:
    """REMOTE_ADDR, unless it is a proxy listed in TRUSTED_PROXIES: then the rightmost hop of
    X-Forwarded-For that is not itself a trusted proxy (hops further left are whatever the client
    chose to send, so they are never believed). Used by the audit trail and the login lockout."""
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a garbled header: keep what we know for sure
        if not _trusted(hop):
            return hop
    return hops[0] if hops else remote
