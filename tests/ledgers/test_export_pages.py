"""/ledgers/exports/: the ledgers a user may export, a form per ledger, the download."""

from __future__ import annotations

import pytest

from tests.ledgers import test_exports
from tests.ledgers.test_exports import HUAQIAO, XINHU, XINHU_VILLAGE, YEAR, column, read
from yizhan.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from yizhan.audit.models import AuditEvent
from yizhan.ledgers.exports.writer import XLSX

# The two townships' data and the no-reveal clerk, shared with test_exports.
townships = test_exports.townships


def download(response) -> list[list]:
    return read(b"".join(response.streaming_content))


def test_the_export_list_shows_the_ledgers_the_user_may_export(login_as):
    clerk = login_as("xinhu_clerk").get("/ledgers/exports/").content.decode()
    assert "退役军人花名册" in clerk and "走访慰问登记表" in clerk and "德州市德城区新湖街道" in clerk
    assert "应登未登名单" not in clerk, "a veterans clerk exports no conscription ledger"
    head = login_as("xinhu_head").get("/ledgers/exports/").content.decode()
    assert "应登未登名单" in head and "征兵进度表" in head


def test_the_export_list_links_to_the_existing_print_forms(login_as):
    page = login_as("xinhu_clerk").get("/ledgers/exports/").content.decode()
    assert 'href="/veterans/cards/"' in page and 'href="/care/"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/ledgers/exports/",
        "/ledgers/exports/veterans/",
        f"/ledgers/exports/veterans/print/?region={XINHU_VILLAGE}",
    ],
)
def test_the_village_liaison_is_refused_the_export_pages(login_as, url):
    assert login_as("xinhu_village").get(url).status_code == 403


def test_the_village_liaison_cannot_post_an_export(login_as):
    response = login_as("xinhu_village").post(
        "/ledgers/exports/veterans/", {"region": XINHU_VILLAGE, "reason": "报送上级"}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_form_offers_the_regions_of_the_users_jurisdiction_only(login_as):
    page = login_as("xinhu_clerk").get("/ledgers/exports/veterans/").content.decode()
    assert f'value="{XINHU}"' in page and f'value="{XINHU_VILLAGE}"' in page
    assert HUAQIAO not in page and "371402000000" not in page


def test_posting_the_form_downloads_the_xlsx_with_only_in_scope_rows_and_audits_it(townships, login_as):
    response = login_as("xinhu_clerk").post(
        "/ledgers/exports/visits/", {"region": XINHU, "year": YEAR, "reason": "报送区退役军人事务局"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    sheet = download(response)
    assert sheet[0][0] == "德城区新湖街道2026年走访慰问登记表"
    assert column(sheet, "慰问对象") == ["商春旺", "李湖滨"]
    event = AuditEvent.objects.get(action="export")
    assert event.actor.username == "xinhu_clerk" and event.reason == "报送区退役军人事务局"
    assert event.changes == {"ledger": "走访慰问登记表", "rows": 2, "full": False, "year": YEAR}


def test_a_region_outside_the_users_scope_answers_404_on_get_and_post(townships, login_as):
    client = login_as("xinhu_clerk")
    assert client.get(f"/ledgers/exports/veterans/?region={HUAQIAO}").status_code == 404
    assert client.post("/ledgers/exports/veterans/", {"region": HUAQIAO, "reason": "x"}).status_code == 404
    assert (
        client.post("/ledgers/exports/veterans/", {"region": "999999999999", "reason": "x"}).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="export").exists()


def test_an_unknown_ledger_answers_404(login_as):
    assert login_as("xinhu_clerk").get("/ledgers/exports/nothing/").status_code == 404


def test_a_form_without_its_purpose_is_shown_again_with_the_error(login_as):
    response = login_as("xinhu_clerk").post("/ledgers/exports/veterans/", {"region": XINHU, "reason": ""})
    assert response.status_code == 200
    assert "请检查填写的内容" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_full_numbers_choice_is_offered_only_to_holders_of_reveal(townships, login_as, monkeypatch):
    page = login_as("xinhu_clerk").get(f"/ledgers/exports/veterans/?region={XINHU}").content.decode()
    assert 'data-testid="export-full"' in page and 'data-testid="print-full"' in page
    assert "身份证号、电话和银行账号默认脱敏" in page
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.STATION_CLERK, ROLE_PERMISSIONS[Role.STATION_CLERK] - {Perm.REVEAL_PII}
    )
    page = login_as("xinhu_clerk").get(f"/ledgers/exports/veterans/?region={XINHU}").content.decode()
    assert 'data-testid="export-full"' not in page and 'data-testid="print-full"' not in page
    # Asking anyway changes nothing: the field is not on his form, the file is masked.
    response = login_as("xinhu_clerk").post(
        "/ledgers/exports/veterans/", {"region": XINHU, "reason": "x", "full": "on"}
    )
    assert AuditEvent.objects.get(action="export").changes["full"] is False
    assert response.status_code == 200
