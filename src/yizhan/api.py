"""The JSON API (django-ninja, OpenAPI 3 at /api/docs). It reads through the same selectors as
the pages, so jurisdiction and masking hold here too: out of scope answers 404 like missing."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status
from ninja.security import APIKeyCookie, HttpBearer

from yizhan.accounts.services import user_for_token
from yizhan.core.search import looks_like_id_number
from yizhan.people import selectors


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked), for the pages' own scripts."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user if request.user.is_authenticated else None


api = NinjaAPI(
    title="一站 Yizhan API", version="1", auth=[BearerToken(), SessionAuth()], urls_namespace="api"
)


class IdentityOut(Schema):
    kind: str
    label: str
    since: datetime.date


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: datetime.date | None
    id_number_masked: str
    phone_masked: str
    region_code: str
    region_name: str


class PersonDetailOut(PersonOut):
    identities: list[IdentityOut]


def _person_out(person) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "id_number_masked": person.id_number_masked,
        "phone_masked": person.phone_masked,
        "region_code": person.region_id,
        "region_name": person.region.name,
    }


class SearchIn(Schema):
    q: str
    limit: int = 20


class ErrorOut(Schema):
    detail: str


def _search(request: HttpRequest, q: str, limit: int) -> list[dict]:
    return [
        _person_out(p)
        for p in selectors.search_people(user=request.user, query=q, limit=min(max(limit, 1), 100))
    ]


@api.get(
    "/people",
    response={200: list[PersonOut], 400: ErrorOut},
    summary="检索人员（姓名或拼音；身份证号请用 POST）",
)
def search_people(request: HttpRequest, q: str, limit: int = 20):
    # A number in a URL lands in access logs and proxies' histories: ID numbers go in a body.
    if looks_like_id_number(q):
        refusal = "按身份证号检索请用 POST /api/people/search（号码放在请求体中），不要放在网址里。"
        return Status(400, {"detail": refusal})
    return Status(200, _search(request, q, limit))


@api.post(
    "/people/search", response=list[PersonOut], summary="检索人员（身份证号、姓名或拼音，放在请求体中）"
)
def search_people_by_body(request: HttpRequest, payload: SearchIn):
    return _search(request, payload.q, payload.limit)


@api.get("/people/{person_id}", response=PersonDetailOut, summary="人员详情（脱敏）")
def get_person(request: HttpRequest, person_id: int):
    person = selectors.get_person(user=request.user, pk=person_id)
    identities = [
        {"kind": i.kind, "label": str(i), "since": i.since} for i in selectors.current_identities(person)
    ]
    return {**_person_out(person), "identities": identities}


@api.get("/people-count", summary="辖区内人员数")
def count_people(request: HttpRequest, identity: str = "", region_code: str = ""):
    return {
        "count": selectors.list_people(user=request.user, identity=identity, region_code=region_code).count()
    }
