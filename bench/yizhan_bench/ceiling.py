"""The honest ceiling of `GET /api/people?q=` (#16): the least the same request must do on the
same server — authenticate the bearer token (revoked, expired, inactive user, ended post), take
its posts' scope, run the indexed search query by hand (the region's name
in a subquery: a join would lead SQLite's planner away from the name index; the scope kept out of
its index choice, as the search keeps it), decrypt and mask each answer's ID number
and phone, and write the same JSON. No ORM, no schema, no API framework; the middleware stack is
the real one (the request passes it like any other). Served only by the bench's own server
(bench/yizhan_bench/wsgi.py), never by a station's."""

from __future__ import annotations

import datetime
import json

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone

from yizhan.accounts.services import token_hash
from yizhan.core import crypto
from yizhan.core.masking import mask_id_number, mask_phone
from yizhan.people.models import ID_CONTEXT, PHONE_CONTEXT
from yizhan.regions.models import scope_bounds

TOKEN_SQL = """
SELECT r.code FROM accounts_apitoken t
JOIN accounts_user u ON u.id = t.user_id
JOIN accounts_post p ON p.user_id = u.id
JOIN regions_region r ON r.code = p.region_id
WHERE t.key_hash = %s AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)
  AND u.is_active AND p.role <> 'sysadmin'
  AND p.started_on <= %s AND (p.ended_on IS NULL OR p.ended_on > %s)
"""
SEARCH_SQL = """
SELECT p.id, p.name, p.sex, p.birth_date, p.id_number_enc, p.phone_enc, p.region_id,
       (SELECT r.name FROM regions_region r WHERE r.code = p.region_id)
FROM people_person p
WHERE {region} >= %s AND {region} < %s AND p.name_initials >= %s AND p.name_initials < %s
  AND p.merged_into_id IS NULL
ORDER BY p.name, p.id LIMIT 20
"""


def outside_index(column: str) -> str:
    """A hand-written query's scope column kept out of SQLite's index choice, as the search keeps
    it (core.scoping._OutsideIndex): else SQLite walks the township's region range, 3× slower at
    1M persons (docs/benchmarks.md, session 9). PostgreSQL gets the plain column."""
    return f"+{column}" if connection.vendor == "sqlite" else column


def people_ceiling(request: HttpRequest) -> HttpResponse:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    query = request.GET.get("q", "").strip().lower()
    now, today = timezone.now(), timezone.localdate()
    top = "\U0010ffff" if connection.vendor == "sqlite" else "\uffff"
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [token_hash(token), now, today, today])
        regions = [row[0] for row in cursor.fetchall()]
        if not regions:
            return HttpResponse(status=401)
        lo, hi = scope_bounds(regions[0])  # the bench's clerk holds one post
        cursor.execute(SEARCH_SQL.format(region=outside_index("p.region_id")), [lo, hi, query, query + top])
        rows = cursor.fetchall()
    people = [
        {
            "id": pk,
            "name": name,
            "sex": sex,
            "birth_date": _date(born),
            "id_number_masked": mask_id_number(crypto.decrypt(id_enc, context=ID_CONTEXT) if id_enc else ""),
            "phone_masked": mask_phone(crypto.decrypt(phone_enc, context=PHONE_CONTEXT) if phone_enc else ""),
            "region_code": code,
            "region_name": region_name,
        }
        for pk, name, sex, born, id_enc, phone_enc, code, region_name in rows
    ]
    return HttpResponse(json.dumps(people, ensure_ascii=False), content_type="application/json")


def _date(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


urlpatterns = [path("bench/ceiling/people", people_ceiling), path("", include("yizhan.urls"))]
