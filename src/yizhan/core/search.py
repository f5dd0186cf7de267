"""Search queries never travel in the address: a search box posts its query, the server keeps it
in the session under a short opaque token and answers with the page at `?s=<token>` (post →
redirect → get). So an ID number typed into a box stays out of the address bar, the browser
history, the proxy's and the server's access logs, and the Referer of the next click."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from django.http import HttpRequest

SESSION_KEY = "searches"
KEEP = 20  # the last searches of a session; an older token simply finds nothing
# 15 or 18 digits (the last may be X), alone or inside the text: an ID number, or most of one.
ID_LIKE = re.compile(r"\d{14}(\d{3})?[\dXx]")


def looks_like_id_number(query: str) -> bool:
    return bool(ID_LIKE.search(query))


def _remember(request: HttpRequest, query: str) -> str:
    """The query's token: the one it already has in this session (the session is then left
    unwritten: no database write for a search asked again), else a new one."""
    searches: dict[str, str] = request.session.get(SESSION_KEY, {})
    known = next((token for token, kept in searches.items() if kept == query), None)
    if known is not None:
        return known
    token = secrets.token_urlsafe(6)
    searches[token] = query
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
    return token


def search_query(
    request: HttpRequest, *, keep: tuple[str, ...] = (), field: str = "q", names_in_address: bool = True
) -> tuple[str, str | None]:
    """(the query, the clean address to show) for a page with a search box (named `field`).

    The address is None when the page may be answered where it is; otherwise it carries the
    token instead of the query, plus the `keep` parameters (filters) — the caller redirects there
    (or, for htmx, answers with HX-Push-Url). A query in GET ?q= (a link, a bookmark) still works
    for names unless `names_in_address` is False (a filter that names one person, as the
    operations log's); an ID-looking one is always moved behind a token."""
    source = request.POST if request.method == "POST" else request.GET
    params = {name: source.get(name) for name in keep if source.get(name)}
    if request.method != "POST" and "s" in request.GET:
        return request.session.get(SESSION_KEY, {}).get(request.GET["s"], ""), None
    query = source.get(field, "").strip()
    if request.method != "POST" and (not query or (names_in_address and not looks_like_id_number(query))):
        return query, None
    if query:
        params["s"] = _remember(request, query)
    return query, f"{request.path}?{urlencode(params)}" if params else request.path
