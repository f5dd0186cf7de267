"""The 办件 pages as the clerk and the visitor use them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.hall_cases.conftest import D
from tests.veterans.conftest import photo_bytes
from yizhan.hall.models import CaseState, Rating, ServiceCase
from yizhan.veterans import services as veterans


@pytest.fixture
def card_item(make_item):
    return make_item("YZ-S-03", "优待证申领", workflow="preferential_card", days=30)


def open_by_page(client, item, person, **more):
    data = {"item": item.pk, "person": person.pk, "applicant_kind": "self", **more}
    return client.post(reverse("hall_cases:open"), data)


def test_a_case_opened_at_the_desk_closes_by_the_form_and_is_rated_on_the_pad(
    card_item, veteran, login_as, persona, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    clerk = login_as("xinhu_clerk")
    response = open_by_page(clerk, card_item, veteran)
    case = ServiceCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "hall_cases:detail", args=[case.pk]
    )
    page = clerk.get(response["Location"]).content.decode()
    assert reverse("veterans:card_apply", args=[veteran.pk]) in page  # the existing form, for him
    assert "办理表单保存后，本办件自动办结" in page
    veterans.save_profile(
        actor=persona("xinhu_clerk"), person=veteran, on=D(2026, 10, 1), category="discharged_soldier"
    )
    veterans.apply_card(
        actor=persona("xinhu_clerk"), person=veteran, on=D(2026, 11, 2),
        photo_content=photo_bytes((704, 880), "PNG"), photo_name="p.png",
    )  # fmt: skip
    page = clerk.get(reverse("hall_cases:detail", args=[case.pk])).content.decode()
    assert "已办结" in page and "请办事人评价" in page
    pad = clerk.get(reverse("hall_cases:rate", args=[case.pk]))
    assert "非常满意" in pad.content.decode()
    done = clerk.post(
        reverse("hall_cases:rate", args=[case.pk]), {"level": "4", "indicators": ["once"], "comment": ""}
    )
    assert "感谢您的评价" in done.content.decode()
    rating = Rating.objects.get(case=case)
    assert (rating.get_level_display(), rating.channel) == ("满意", "pad")
    again = clerk.post(reverse("hall_cases:rate", args=[case.pk]), {"level": "1"})
    assert "感谢您的评价" in again.content.decode()
    rating.refresh_from_db()
    assert rating.level == "4"  # a second post changes nothing
    stats = clerk.get(
        reverse("hall_cases:statistics"),
        {"start": "2026-11-01", "end": timezone.localdate().isoformat(), "by": "item"},
    )
    assert "优待证申领" in stats.content.decode()
    sheet = clerk.get(
        reverse("hall_cases:statistics"),
        {"start": "2026-11-01", "end": timezone.localdate().isoformat(), "by": "item", "format": "xlsx"},
    )
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats") and sheet.content[:2] == b"PK"


def test_the_open_form_says_what_is_missing_beside_the_field(card_item, veteran, login_as):
    page = login_as("xinhu_clerk").post(
        reverse("hall_cases:open"),
        {"item": card_item.pk, "applicant_kind": "agent", "applicant_name": "王五"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "请先检索并选择人员" in html
    assert 'value="王五"' in html  # what was typed is kept


def test_the_notices_list_every_missing_material_and_the_promised_day(card_item, veteran, login_as):
    clerk = login_as("xinhu_clerk")
    open_by_page(clerk, card_item, veteran)
    case = ServiceCase.objects.get()
    notice = clerk.get(reverse("hall_cases:notice", args=[case.pk])).content.decode()
    assert "一次性告知书" in notice and "白底证件照" in notice and "居民户口簿" in notice
    assert "居民身份证" not in notice  # on file
    receipt = clerk.get(reverse("hall_cases:receipt", args=[case.pk])).content.decode()
    assert f"{case.due_on.year}年{case.due_on.month}月{case.due_on.day}日" in receipt


def test_the_printed_qr_code_leads_to_a_rating_page_without_login(make_item, veteran, login_as, persona):
    item = make_item("YZ-S-07", "就业创业服务", workflow="employment")
    clerk = login_as("xinhu_clerk")
    open_by_page(clerk, item, veteran)
    case = ServiceCase.objects.get()
    veterans.add_employment_service(
        actor=persona("xinhu_clerk"), person=veteran, kind="referral", on=D(2026, 11, 2), details="推荐岗位"
    )
    printed = clerk.post(reverse("hall_cases:qr", args=[case.pk])).content.decode()
    assert "<svg" in printed
    token = re.search(r"\?t=([\w-]+)", printed).group(1)
    visitor = Client()
    page = visitor.get(reverse("hall_cases:rate_by_token"), {"t": token})
    assert page.status_code == 200 and "请您评价本次服务" in page.content.decode()
    visitor.post(reverse("hall_cases:rate_by_token"), {"token": token, "level": "1", "comment": "态度差"})
    case.refresh_from_db()
    assert case.rating.channel == "qr" and case.rating.rectification.task.is_open
    assert visitor.get(reverse("hall_cases:rate_by_token"), {"t": token}).status_code == 404
    assert case.state == CaseState.DONE
