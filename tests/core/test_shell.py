import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

import yizhan
from yizhan.audit.models import AuditEvent
from yizhan.regions.models import Region

SRC = Path(yizhan.__file__).parent


def test_healthz_answers_200_when_the_database_is_migrated(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_migrations_are_missing(client, db, monkeypatch):
    from yizhan.desk import views

    monkeypatch.setattr(views, "_migrated", False)
    monkeypatch.setattr(views.MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)])
    assert client.get("/healthz").status_code == 503


def test_healthz_answers_503_when_the_database_does_not_answer(client, db, monkeypatch):
    from yizhan.desk import views

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", Unreachable())
    assert client.get("/healthz").status_code == 503


def test_pages_require_login(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_clerk_sees_his_name_and_post_on_the_workbench(login_as):
    page = login_as("xinhu_clerk").get(reverse("core:home")).content.decode()
    assert "韩晓东" in page
    assert "新湖街道 服务站干事（退役军人服务站）" in page


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        (
            # 系统 too: 参数设置 (read only), his station's clerks, liaisons, grids, devices, logs and
            # online users.
            "xinhu_head",
            {
                "people",
                "conscription",
                "veterans",
                "benefits",
                "care",
                "hall",
                "ledgers",
                "reports",
                "system",
            },
            set(),
        ),
        (
            "xinhu_clerk",
            {"people", "veterans", "benefits", "care", "hall", "ledgers"},
            {"conscription", "reports", "system"},
        ),
        (
            "xinhu_village",
            {"people", "conscription", "veterans", "care"},
            {"hall", "ledgers", "reports", "system"},
        ),
        ("decheng", {"people", "ledgers", "reports", "system"}, {"hall"}),
        ("admin", {"system"}, {"people", "conscription", "veterans"}),
    ],
)
def test_the_menu_shows_only_what_the_posts_allow(login_as, username, shown, hidden):
    page = login_as(username).get(reverse("core:home")).content.decode()
    areas = set(re.findall(r'data-area="(\w+)"', page))
    assert shown <= areas
    assert not (hidden & areas)


def test_an_area_outside_the_posts_answers_404(login_as):
    assert login_as("xinhu_clerk").get(reverse("system:index")).status_code == 404
    assert login_as("admin").get(reverse("system:index")).status_code == 200


def test_dates_are_shown_in_chinese(login_as):
    page = login_as("xinhu_clerk").get(reverse("core:home")).content.decode()
    assert re.search(r"今天是 \d{4}年\d{1,2}月\d{1,2}日", page)


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo")
    counts = (Region.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo")
    assert (Region.objects.count(), AuditEvent.objects.count()) == counts
    assert Region.objects.get(code="371402001000").name == "新湖街道"


URL = re.compile(r"""https?://[^\s"'<>)]+""")
# XML namespace names are identifiers, not addresses anything fetches.
NAMESPACES = ("http://www.w3.org/",)
LOADING = re.compile(
    r"""(url\(\s*['"]?https?:|@import\s+['"]?https?:|(src|href)\s*=\s*['"]https?:|import\(\s*['"]https?:|fetch\(\s*['"]https?:)"""
)


def test_no_template_or_own_static_file_references_an_external_url():
    own = [p for p in SRC.rglob("*") if p.suffix in {".html", ".css", ".js"} and "vendor" not in p.parts]
    assert own, "expected templates and static files to scan"
    offenders = {
        str(p.relative_to(SRC)): hits
        for p in own
        if (hits := [u for u in URL.findall(p.read_text()) if not u.startswith(NAMESPACES)])
    }
    assert offenders == {}


def test_no_vendored_asset_loads_anything_from_an_external_url():
    vendored = list((SRC / "core" / "static" / "vendor").rglob("*.*"))
    assert vendored, "run scripts/vendor_assets.sh (make setup) first"
    offenders = [str(p) for p in vendored if LOADING.search(p.read_text(errors="replace"))]
    assert offenders == []


def test_the_station_workbench_counts_who_must_register_this_year(make_person, login_as):
    import datetime

    from django.utils import timezone

    year = timezone.localdate().year
    make_person(name="应登甲", born=datetime.date(year - 18, 6, 1))
    make_person(
        name="应登乙", born=datetime.date(year - 18, 7, 1), village="320583400001"
    )  # 花桥: not counted
    page = login_as("xinhu_head").get(reverse("core:home")).content.decode()
    assert re.search(r"应登未登：<strong>1</strong>", page)
    assert "应登未登" not in login_as("xinhu_clerk").get(reverse("core:home")).content.decode()  # 服务站 only
