"""The JSON API (django-ninja, OpenAPI 3 at /api/docs). It reads through the same selectors as
the pages, so jurisdiction and masking hold here too: out of scope answers 404 like missing."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.openapi.docs import DocsBase
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


class LocalSwagger(DocsBase):
    """Swagger UI served from our static files (npm swagger-ui-dist, vendored) and started by our
    own script: no CDN, no inline script. ninja's own templates load it from a CDN unless ninja is
    an installed app, and then still carry ninja's copy of unknown version."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        context = {"title": api.title, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "core/api_docs.html", context)


api = NinjaAPI(
    title="一站 Yizhan API", version="1", auth=[BearerToken(), SessionAuth()], urls_namespace="api",
    docs=LocalSwagger(),
    # The docs and the schema are for signed-in staff: anyone else goes to the login page.
    docs_decorator=login_required,
)  # fmt: skip


# ninja's own answers are English ("Not Found", "Unauthorized", pydantic's messages): every error a
# client of the API sees is Chinese, like the pages'. Field locations stay, for the integrator.
@api.exception_handler(RequestInvalid)
def _invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    fields = sorted({".".join(str(part) for part in error.get("loc", ())[1:]) for error in exc.errors})
    detail = "请求数据不正确：" + ("、".join(f for f in fields if f) or "请求体") + " 的值缺少或格式不对。"
    return api.create_response(request, {"detail": detail, "fields": fields}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录，或令牌无效、已停用。"}, status=401)


# ninja's own HttpErrors say e.g. "Cannot parse request body"; ours are Chinese already.
GENERIC = {400: "请求格式不正确，无法解析。", 405: "不支持该请求方法。", 413: "请求内容过大。"}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if not any("\u4e00" <= ch <= "\u9fff" for ch in message):
        message = GENERIC.get(exc.status_code, "请求未能完成。")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Http404)
def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same sentence for missing and out of jurisdiction.
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(PermissionDenied)
def _refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "您的岗位无权进行此操作。"}, status=403)


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
    return selectors.search_people_brief(user=request.user, query=q, limit=min(max(limit, 1), 100))


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
