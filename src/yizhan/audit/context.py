"""The client address of the current request, for audit events written deep inside services
that (by house rule) never receive the request itself."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
