"""Every error a clerk can meet is a Chinese page in the app's layout (DEBUG is off in tests)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from yizhan.core.errors import server_error

LAYOUT = 'data-testid="error"'


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"


def page_of(response) -> str:
    html = response.content.decode()
    assert LAYOUT in html and "一站" in html and "回到工作台" in html
    return html


def test_a_missing_page_is_a_chinese_404_in_the_layout_with_the_menu(login_as, settings):
    assert not settings.DEBUG
    response = login_as("xinhu_clerk").get("/people/999999999/")
    assert response.status_code == 404
    html = page_of(response)
    assert "不存在，或不在您的管辖范围内" in html
    assert 'data-testid="menu"' in html  # the signed-in layout
    assert "Not Found" not in html and "Person matching" not in html


def test_a_403_says_why_in_the_sentence_require_raises(login_as):
    response = login_as("admin").get(reverse("people:list"))  # administrators see no people
    assert response.status_code == 403
    assert "您的岗位没有此项权限。" in page_of(response)
    audit = login_as("xinhu_clerk").get(reverse("system:operations"))
    assert "您的岗位没有此项权限。" in page_of(audit)


def test_a_403_from_a_service_keeps_its_own_chinese_reason(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from yizhan.core.errors import permission_denied

    request = rf.get("/")
    request.user = AnonymousUser()
    said = permission_denied(request, PermissionDenied("此步骤由县级退役军人事务部门办理。"))
    assert "此步骤由县级退役军人事务部门办理。" in said.content.decode()
    english = permission_denied(request, PermissionDenied("You do not have permission"))
    assert (
        "You do not" not in english.content.decode() and "您的岗位没有此项权限。" in english.content.decode()
    )


def test_a_bad_request_is_a_chinese_400(world):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求无效" in page_of(response)


def test_a_failed_csrf_check_is_a_chinese_page_saying_to_reload(login_as):
    client = login_as("xinhu_clerk")
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    html = page_of(response)
    assert "页面已过期" in html and "请刷新页面" in html and "verification failed" not in html


def test_a_crash_is_a_chinese_500_without_the_exception(world, failing_urls):
    response = Client(raise_request_exception=False).get("/test/crash")
    assert response.status_code == 500
    html = page_of(response)
    assert "系统出错" in html and "boom" not in html


def test_the_500_page_renders_without_the_database():
    # No `db` fixture: pytest-django makes any database access here an error.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出错" in page_of(response)


def test_a_database_constraint_reaching_a_view_is_a_chinese_409_without_its_name(login_as, failing_urls):
    response = login_as("xinhu_clerk").get("/test/constraint")
    assert response.status_code == 409
    html = page_of(response)
    assert "与已有的记录冲突" in html
    assert "people_person" not in html and "constraint" not in html


def test_a_services_refusal_a_view_let_through_is_a_chinese_400_with_its_sentence(login_as, failing_urls):
    response = login_as("xinhu_clerk").get("/test/refused")
    assert response.status_code == 400
    assert "退役日期不能早于入伍日期。" in page_of(response)
