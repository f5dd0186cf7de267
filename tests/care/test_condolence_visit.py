import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.care.conftest import condolence_task
from tests.files import png
from yizhan.care import services
from yizhan.care.models import CondolenceVisit, VisitReason
from yizhan.worklist.models import TaskStatus


def test_the_form_records_the_condolence_visit_and_closes_the_task(family, login_as):
    task = condolence_task(family["soldier"])
    client = login_as("xinhu_head")
    assert client.get(f"/care/tasks/{task.pk}/condolence-visit/").status_code == 200
    response = client.post(
        f"/care/tasks/{task.pk}/condolence-visit/",
        {
            "visited_on": "2026-06-03",
            "participants": "德城区退役军人事务局、新湖街道武装部",
            "money": "2000.00",
            "goods": "米、油",
            "notes": "家属情绪稳定，需协助办理抚恤。",
            "photo": SimpleUploadedFile("v.png", png(), content_type="image/png"),
        },
    )
    visit = CondolenceVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/care/visits/{visit.pk}/"
    assert (visit.reason, visit.money, visit.goods) == (VisitReason.CONDOLENCE, Decimal("2000.00"), "米、油")
    assert visit.photo is not None and visit.household == family["household"]
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and "慰问金2000.00元" in task.outcome


def test_a_visit_without_a_task_is_kept_as_a_campaign_visit(family, persona):
    visit = services.record_visit(
        actor=persona("xinhu_village"), person=family["father"], reason=VisitReason.SPRING_FESTIVAL,
        visited_on=datetime.date(2026, 2, 10), participants="社区书记", goods="春联",
    )  # fmt: skip
    assert (visit.task, visit.reason, visit.money) == (None, "spring_festival", Decimal("0"))


def test_negative_money_is_refused(family, persona):
    task = condolence_task(family["soldier"])
    with pytest.raises(ValidationError, match="慰问金不能为负数"):
        services.record_visit(
            actor=persona("xinhu_head"), task=task, person=task.person, reason=VisitReason.CONDOLENCE,
            visited_on=datetime.date(2026, 6, 3), participants="街道武装部", money=Decimal("-1"),
        )  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
