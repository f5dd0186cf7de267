import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from tests.benefits.conftest import APPROVED, approve, record_fact
from yizhan.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from yizhan.audit.models import AuditEvent
from yizhan.benefits import services
from yizhan.benefits.exports import BANK_HEADERS
from yizhan.benefits.models import AllowancePayment, BatchStatus
from yizhan.lifecycle.models import EventKind
from yizhan.regions.services import upsert_region

COUNTY = "371402000000"
ACCOUNTS = {"商春旺": "6228480012345678901", "周运河": "6217000011112222333"}


def designate(actor, soldier, father):
    services.designate_recipient(
        actor=actor, servicemember=soldier, recipient=father, bank_name="中国农业银行德州支行",
        account=ACCOUNTS[soldier.name], on=APPROVED,
    )  # fmt: skip


@pytest.fixture
def conscripts(make_family, persona, rates):
    """Two conscripts of 德城区 with recipients: one in 新湖街道, one in another township."""
    upsert_region(code="371402002000", name="运河街道（测试）", is_demo=True)
    upsert_region(code="371402002001", name="运河社区（测试）", is_demo=True)
    county_officer = persona("decheng")
    here = make_family("商春旺")
    there = make_family("周运河", village="371402002001")
    for soldier, father, _ in (here, there):
        approve(soldier)
        designate(county_officer, soldier, father)
    return {"here": here, "there": there}


def generate(persona, on=datetime.date(2027, 3, 15)):
    return services.generate_batch(actor=persona("decheng"), county_code=COUNTY, as_of=on)


def test_a_batch_pays_the_started_periods_of_conscripts_with_a_recipient(conscripts, persona, make_family):
    no_card, _, _ = make_family("吴无卡")
    approve(no_card)
    result = generate(persona)
    assert result.created == 4  # two periods each started by 15 March 2027
    assert result.without_recipient == 2
    assert {p.amount for p in AllowancePayment.objects.all()} == {Decimal("11000.00")}
    assert result.batch.status == BatchStatus.DRAFT


def test_the_amount_is_half_the_years_standard_plus_the_extras_that_apply(make_family, persona, rates):
    soldier, father, _ = make_family("孙学士")
    approve(soldier, graduate=True)
    designate_all = services.designate_recipient
    designate_all(
        actor=persona("decheng"), servicemember=soldier, recipient=father, bank_name="农行",
        account="6228480099998888777", on=APPROVED,
    )  # fmt: skip
    generate(persona, on=datetime.date(2026, 9, 30))
    assert AllowancePayment.objects.get().amount == Decimal("12000.00")  # (22,000 + 2,000) / 2


def test_a_period_whose_year_has_no_standard_waits(conscripts, persona):
    result = generate(persona, on=datetime.date(2029, 1, 1))
    assert result.created == 8  # 2026, 2027 and 2028 have a standard; every period starts in them
    result = generate(persona, on=datetime.date(2029, 1, 1))
    assert (result.batch, result.created) == (None, 0)


def test_a_payment_cannot_be_generated_twice(conscripts, persona):
    first = generate(persona)
    again = generate(persona)
    assert (again.batch, again.created) == (None, 0)
    assert AllowancePayment.objects.count() == 4
    payment = AllowancePayment.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        AllowancePayment.objects.create(
            batch=first.batch, period=payment.period, recipient=payment.recipient, rate=payment.rate,
            amount=payment.amount, region_code=payment.region_code,
        )  # fmt: skip


def test_a_batch_is_reviewed_then_marked_paid_with_date_and_reference(conscripts, persona):
    county_officer = persona("decheng")
    batch = generate(persona).batch
    with pytest.raises(ValidationError, match="须先审核"):
        services.mark_batch_paid(
            actor=county_officer, batch=batch, paid_on=datetime.date(2027, 3, 20), reference="R1"
        )
    services.review_batch(actor=county_officer, batch=batch)
    with pytest.raises(ValidationError):
        services.mark_batch_paid(
            actor=county_officer, batch=batch, paid_on=datetime.date(2027, 3, 20), reference=" "
        )
    batch = services.mark_batch_paid(
        actor=county_officer, batch=batch, paid_on=datetime.date(2027, 3, 20), reference="农行回单 0001"
    )
    assert (batch.status, batch.paid_on, batch.reference) == (
        BatchStatus.PAID,
        datetime.date(2027, 3, 20),
        "农行回单 0001",
    )
    assert AuditEvent.objects.filter(action="benefits.batch.paid", object_id=str(batch.pk)).exists()


def test_only_the_countys_veterans_office_runs_batches(conscripts, persona):
    with pytest.raises(PermissionDenied):
        services.generate_batch(
            actor=persona("xinhu_head"), county_code=COUNTY, as_of=datetime.date(2027, 3, 15)
        )
    with pytest.raises(PermissionDenied):
        services.generate_batch(actor=persona("huaqiao_clerk"), county_code="320583000000", as_of=APPROVED)


def test_a_stop_takes_an_unpaid_period_back_out_of_its_batch(conscripts, persona):
    soldier = conscripts["here"][0]
    generate(persona, on=datetime.date(2027, 9, 15))  # three periods each
    record_fact(soldier, EventKind.STATUS_CHANGED, datetime.date(2027, 5, 1), change="nco_conversion")
    assert AllowancePayment.objects.filter(period__person=soldier).count() == 2


def read_back(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_bank_file_has_the_banks_headers_masks_for_a_user_without_reveal_and_keeps_to_his_scope(
    conscripts, persona, login_as, monkeypatch
):
    batch = generate(persona).batch
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.STATION_CLERK, ROLE_PERMISSIONS[Role.STATION_CLERK] - {Perm.REVEAL_PII}
    )
    response = login_as("xinhu_clerk").post(
        f"/benefits/allowance/batches/{batch.pk}/bank.xlsx", {"reason": "银行代发"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = read_back(response.content)
    assert list(header) == BANK_HEADERS == ["姓名", "身份证号", "开户行", "账号", "金额", "期次"]
    father = conscripts["here"][1]
    assert rows == [
        (
            "商建国",
            father.id_number_masked,
            "中国农业银行德州支行",
            "6228 **** **** 8901",
            11000,
            "商春旺 第1期（2026年9月1日起）",
        ),
        (
            "商建国",
            father.id_number_masked,
            "中国农业银行德州支行",
            "6228 **** **** 8901",
            11000,
            "商春旺 第2期（2027年3月1日起）",
        ),
    ]
    event = AuditEvent.objects.get(action="benefits.batch.export")
    assert (event.changes, event.reason) == ({"rows": 2, "full": False}, "银行代发")


def test_the_county_officer_exports_every_row_in_full_only_when_he_asks(conscripts, persona):
    batch = generate(persona).batch
    _, *rows = read_back(services.bank_file(actor=persona("decheng"), batch=batch, reason="银行代发"))
    assert not {row[3] for row in rows} & set(ACCOUNTS.values())
    _, *rows = read_back(
        services.bank_file(actor=persona("decheng"), batch=batch, reason="银行代发", full=True)
    )
    assert len(rows) == 4
    assert {row[3] for row in rows} == set(ACCOUNTS.values())
    assert conscripts["there"][1].id_number in {row[1] for row in rows}


def test_a_station_sees_only_its_own_rows_of_the_countys_batch(conscripts, persona, login_as):
    batch = generate(persona).batch
    page = login_as("xinhu_clerk").get(f"/benefits/allowance/batches/{batch.pk}/").content.decode()
    assert "商春旺" in page and "周运河" not in page
    assert "2 笔，22000.00 元" in page
    ledger = login_as("xinhu_clerk").get("/benefits/allowance/ledger/").content.decode()
    assert "商春旺" in ledger and "周运河" not in ledger
