"""A dry run tests ID numbers against the whole registry, so it is treated as the probe it can be:
a number registered in another jurisdiction is refused with the same words as in a real run,
every row it checked is audited, and one clerk's dry runs are limited per hour."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.ledgers import messy
from tests.ledgers.test_import_memory import generated
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link
from yizhan.ledgers.importing.report import errors_of
from yizhan.ledgers.importing.selectors import CHECK_ACTION
from yizhan.ledgers.importing.services import create_run, start_run
from yizhan.ledgers.jobs import work
from yizhan.ledgers.models import ImportRun, RunStatus
from yizhan.regions.models import Region

FOREIGN_REASON = "该身份证号已登记为本次导入地区以外的人员，请联系其户籍地服务站核对"


@pytest.fixture
def draft(world, persona, sheet_file, make_person):
    """新湖's clerk's upload naming one new person and one registered in 花桥, read by the worker."""
    stranger = make_person(name="钱花桥", village="320583400001")
    path = sheet_file(["姓名", "身份证号"], [["张三", messy.ZHANG], ["钱花桥", stranger.id_number]])
    create_run(
        actor=persona("xinhu_clerk"),
        path=path,
        kind="people",
        region=Region.objects.get(code=messy.TOWNSHIP),
        status=RunStatus.UPLOADED,
    )
    work(once=True)
    return ImportRun.objects.get(status=RunStatus.DRAFT)


def reasons(run: ImportRun) -> dict[int, str]:
    return {e["row"]: e["reason"] for e in errors_of(run)}


def test_a_number_of_another_jurisdiction_is_refused_alike_in_a_dry_run_and_a_real_one(draft, persona):
    clerk = persona("xinhu_clerk")
    dry = start_run(actor=clerk, draft=draft, dry_run=True)
    real = start_run(actor=clerk, draft=draft, dry_run=False)
    work(once=True)
    dry.refresh_from_db()
    real.refresh_from_db()

    assert reasons(dry) == reasons(real) == {3: FOREIGN_REASON}
    assert (dry.rejected, real.rejected, real.created) == (1, 1, 1)


def test_every_row_a_dry_run_checked_is_audited_with_its_number_masked(draft, persona):
    dry = start_run(actor=persona("xinhu_clerk"), draft=draft, dry_run=True)
    work(once=True)

    checks = AuditEvent.objects.filter(action=CHECK_ACTION, object_id=str(dry.pk)).order_by("id")
    assert [(e.changes["row"], e.changes["outcome"]) for e in checks] == [(2, "created"), (3, "rejected")]
    assert all(e.actor.username == "xinhu_clerk" for e in checks)
    assert checks[0].changes["id_number"] == "371402********0036" and messy.ZHANG not in str(
        checks[0].changes
    )
    assert first_broken_link() is None, "the batch append keeps the chain"


def test_a_clerk_past_the_hourly_dry_run_limit_is_refused_in_chinese(
    world, persona, login_as, tmp_path, settings
):
    settings.DRY_RUN_ROWS_PER_HOUR = 250
    clerk = persona("xinhu_clerk")
    township = Region.objects.get(code=messy.TOWNSHIP)
    path = generated(tmp_path / "台账.xlsx", 200)
    create_run(actor=clerk, path=path, kind="people", region=township, status=RunStatus.UPLOADED)
    work(once=True)
    draft = ImportRun.objects.get(status=RunStatus.DRAFT)
    start_run(actor=clerk, draft=draft, dry_run=True)
    work(once=True)
    assert AuditEvent.objects.filter(action=CHECK_ACTION).count() == 200

    with pytest.raises(ValidationError, match="每人每小时最多核对 250 行，您最近一小时已核对 200 行"):
        start_run(actor=clerk, draft=draft, dry_run=True)
    answer = login_as("xinhu_clerk").post(
        reverse("ledgers:import_preview", args=[draft.pk]),
        {
            "header_row": draft.header_row,
            **{f"col_{i}": f for i, f in draft.mapping.items()},
            "action": "dry_run",
        },
    )
    assert answer.status_code == 400 and "试运行核对过于频繁" in answer.content.decode()
    assert ImportRun.objects.filter(dry_run=True).count() == 1
    real = start_run(actor=clerk, draft=draft, dry_run=False)
    work(once=True)
    real.refresh_from_db()
    assert real.status == RunStatus.DONE, "a real import is not a probe: not limited"


def test_a_dry_run_that_crosses_the_limit_while_running_stops_with_the_reason(
    world, persona, tmp_path, settings
):
    clerk = persona("xinhu_clerk")
    township = Region.objects.get(code=messy.TOWNSHIP)
    run = create_run(
        actor=clerk, path=generated(tmp_path / "a.xlsx", 300), kind="people", region=township, dry_run=True
    )
    settings.DRY_RUN_ROWS_PER_HOUR, settings.IMPORT_BATCH_ROWS = 250, 100
    work(once=True)
    run.refresh_from_db()

    assert run.status == RunStatus.FAILED and "试运行核对过于频繁" in run.failure
    assert run.done == 200 and AuditEvent.objects.filter(action=CHECK_ACTION).count() == 200
