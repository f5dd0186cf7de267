import datetime

import pytest
from django.db import IntegrityError

from tests.care.conftest import gift_pack_task
from yizhan.audit.models import AuditEvent
from yizhan.care.models import GiftPackDelivery
from yizhan.worklist.models import TaskStatus

ALL_THREE = ["plaque", "service_guide", "policy_handbook"]


def post(client, task, items, **extra):
    data = {"delivered_on": "2025-09-02", "received_by": "商建国", "items": items, "signed": "on", **extra}
    return client.post(f"/care/tasks/{task.pk}/gift-pack/", data)


def test_the_form_records_all_three_items_in_one_visit_and_closes_the_task(family, login_as):
    task = gift_pack_task(family["soldier"])
    client = login_as("xinhu_clerk")
    assert client.get(f"/care/tasks/{task.pk}/gift-pack/").status_code == 200
    response = post(client, task, ALL_THREE)
    delivery = GiftPackDelivery.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/care/gift-packs/{delivery.pk}/"
    assert (delivery.plaque, delivery.service_guide, delivery.policy_handbook) == (True, True, True)
    assert (delivery.received_by, delivery.signed, delivery.delivered_on) == (
        "商建国",
        True,
        datetime.date(2025, 9, 2),
    )
    assert delivery.household == family["household"]
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and "三件" in task.outcome
    assert AuditEvent.objects.filter(
        action="care.gift_pack.deliver", object_id=str(family["soldier"].pk)
    ).exists()


def test_a_partial_gift_pack_is_refused_in_chinese_naming_what_is_missing(family, login_as):
    task = gift_pack_task(family["soldier"])
    response = post(login_as("xinhu_clerk"), task, ["plaque", "service_guide"])
    assert response.status_code == 400
    body = response.content.decode()
    assert "入伍礼包须一次送齐三件，尚缺：退役安置政策法规手册" in body
    assert 'value="商建国"' in body
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not GiftPackDelivery.objects.exists()


def test_a_gift_pack_with_nothing_ticked_names_all_three(family, login_as):
    task = gift_pack_task(family["soldier"])
    body = post(login_as("xinhu_clerk"), task, []).content.decode()
    assert "尚缺：光荣之家牌、军人军属优待服务指南、退役安置政策法规手册" in body


def test_the_database_refuses_a_partial_gift_pack_that_skips_the_service(family):
    soldier = family["soldier"]
    with pytest.raises(IntegrityError):
        GiftPackDelivery.objects.create(
            person=soldier, region_code=soldier.region_id, delivered_on=datetime.date(2025, 9, 2),
            received_by="商建国", plaque=True, service_guide=True, policy_handbook=False,
        )  # fmt: skip


def test_a_gift_pack_before_the_enlistment_is_refused(family, login_as):
    task = gift_pack_task(family["soldier"])
    body = post(login_as("xinhu_clerk"), task, ALL_THREE, delivered_on="2025-08-01").content.decode()
    assert "送达日期不能早于批准入伍日期" in body
