"""The 名册: any standard ledger as an A4 roster, printed from the browser, audited."""

from __future__ import annotations

import datetime
from pathlib import Path

from tests.ledgers import test_exports
from tests.ledgers.test_exports import HUAQIAO, XINHU, XINHU_VILLAGE
from yizhan.audit.models import AuditEvent
from yizhan.ledgers.exports import service
from yizhan.people import services as people
from yizhan.people.models import IdentityKind

# The two townships' data and the no-reveal clerk, shared with test_exports.
townships = test_exports.townships
without_reveal = test_exports.without_reveal


def test_the_roster_prints_for_a_clerk_on_a4_with_headers_repeated_on_every_page(
    townships, login_as, settings
):
    response = login_as("xinhu_clerk").get(f"/ledgers/exports/veterans/print/?region={XINHU}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ledgers/print_roster.css" in page  # a stylesheet: the CSP refuses inline styles
    css = (Path(settings.BASE_DIR) / "ledgers" / "static" / "ledgers" / "print_roster.css").read_text()
    assert "@page { size: A4 landscape" in css and "thead { display: table-header-group; }" in css
    assert "德城区新湖街道退役军人花名册" in page and "填报单位：德州市德城区新湖街道" in page
    assert "商春旺" in page and "李湖滨" in page and "钱花桥" not in page
    assert "<th>公民身份号码</th>" in page


def test_printing_a_roster_is_audited(townships, login_as, persona):
    login_as("xinhu_clerk").get(f"/ledgers/exports/visits/print/?region={XINHU}")
    event = AuditEvent.objects.get(action="print")
    assert (event.actor, event.object_type, event.object_id, event.region_code) == (
        persona("xinhu_clerk"), "ledger", "visits", XINHU,
    )  # fmt: skip
    assert event.changes == {"ledger": "走访慰问登记表", "rows": 2, "full": False}


def test_a_print_is_masked_for_the_head_too_unless_he_asks_with_a_purpose(townships, login_as):
    head = login_as("xinhu_head")
    url = f"/ledgers/exports/veterans/print/?region={XINHU}"
    number = townships["xinhu"].id_number
    assert number not in head.get(url).content.decode()

    refused = head.get(url + "&full=1&reason=").content.decode()
    assert "显示完整号码须填写用途" in refused and number not in refused

    assert number in head.get(url + "&full=1&reason=核对花名册").content.decode()
    events = AuditEvent.objects.filter(action="print").order_by("id")
    assert [(e.changes["full"], e.reason) for e in events] == [(False, ""), (True, "核对花名册")]


def test_the_roster_answers_404_for_a_foreign_region_and_prints_nothing(townships, login_as):
    response = login_as("xinhu_clerk").get(f"/ledgers/exports/veterans/print/?region={HUAQIAO}")
    assert response.status_code == 404
    assert "钱花桥" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="print").exists()


def test_the_roster_masks_personal_numbers_without_the_reveal_permission(townships, login_as, without_reveal):
    page = login_as("xinhu_clerk").get(f"/ledgers/exports/veterans/print/?region={XINHU}").content.decode()
    assert townships["xinhu"].id_number not in page
    assert townships["xinhu"].id_number_masked in page and "138****1234" in page
    assert AuditEvent.objects.get(action="print").changes["full"] is False


def test_a_roster_over_the_print_limit_is_refused_and_not_audited(townships, login_as, monkeypatch):
    monkeypatch.setattr(service, "LARGE", 1)
    response = login_as("xinhu_clerk").get(f"/ledgers/exports/veterans/print/?region={XINHU}")
    assert "请导出 Excel" in response.content.decode()
    assert not AuditEvent.objects.filter(action="print").exists()


def test_a_familys_rows_stay_together_on_one_page(make_person, login_as):
    soldier = make_person(name="吴现役", village=XINHU_VILLAGE, born=datetime.date(2006, 3, 1))
    for name in ("吴建国", "王秀英"):
        relative = make_person(name=name, village=XINHU_VILLAGE, born=datetime.date(1976, 3, 1))
        people.grant_identity(
            actor=None, person=relative, kind=IdentityKind.MILITARY_FAMILY, since=datetime.date(2025, 9, 1),
            source="test", through=soldier,
        )  # fmt: skip
    page = login_as("xinhu_clerk").get(f"/ledgers/exports/families/print/?region={XINHU}").content.decode()
    assert page.count('<tbody class="group">') == 1
    assert "吴建国" in page and "王秀英" in page
