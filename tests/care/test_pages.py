import datetime

from tests.care.conftest import AWARDED, award_task, gift_pack_task
from yizhan.audit.models import AuditEvent
from yizhan.care import demo, services
from yizhan.care.models import GiftPackDelivery, MeritNoticeDelivery, VisitReason
from yizhan.worklist.links import work_url
from yizhan.worklist.models import TaskKind, TaskStatus
from yizhan.worklist.services import ensure_task


def delivered(family, level="second_class"):
    task = award_task(family["soldier"], level=level)
    return services.record_merit_notice(
        actor=None, task=task, award=family["soldier"].awards.get(), family_address="运河路 12 号",
        delivered_on=AWARDED, participants="德城区人武部", logged_on=AWARDED, family_signed=True,
        signer_name="商建国",
    )  # fmt: skip


def test_printing_a_merit_notice_renders_the_a4_sheet_and_writes_an_audit_event(family, login_as):
    notice = delivered(family)
    response = login_as("xinhu_clerk").get(f"/care/merit-notices/{notice.pk}/print/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "喜报" in body and "商春旺同志家属" in body and "荣立二等功" in body
    assert "德城区人民武装部" in body and "德城区退役军人事务局" in body  # 二等功: the county delivers
    event = AuditEvent.objects.get(action="print")
    assert (event.actor.username, event.object_id, event.changes["layout"]) == (
        "xinhu_clerk",
        str(family["soldier"].pk),
        "喜报",
    )
    assert event.changes["record"] == f"meritnoticedelivery:{notice.pk}"


def test_every_print_of_a_receipt_writes_an_audit_event(family, login_as):
    notice = delivered(family)
    gift = services.record_gift_pack(
        actor=None, task=gift_pack_task(family["soldier"]), delivered_on=datetime.date(2025, 9, 2),
        received_by="商建国", items=["plaque", "service_guide", "policy_handbook"], signed=True,
    )  # fmt: skip
    visit = services.record_visit(
        actor=None, person=family["father"], reason=VisitReason.SPRING_FESTIVAL,
        visited_on=datetime.date(2026, 2, 10), participants="社区", money=500,
    )  # fmt: skip
    client = login_as("xinhu_clerk")
    for url, title in [
        (f"/care/merit-notices/{notice.pk}/receipt/", "喜报送达回执"),
        (f"/care/gift-packs/{gift.pk}/receipt/", "入伍礼包送达回执"),
        (f"/care/visits/{visit.pk}/receipt/", "慰问金物签收单"),
    ]:
        assert title in client.get(url).content.decode()
        client.get(url)
    assert AuditEvent.objects.filter(action="print").count() == 6


def test_the_index_filters_by_kind_newest_first(family, login_as):
    delivered(family)
    services.record_visit(
        actor=None, person=family["father"], reason=VisitReason.SPRING_FESTIVAL,
        visited_on=datetime.date(2026, 2, 10), participants="社区",
    )  # fmt: skip
    services.record_visit(
        actor=None, person=family["mother"], reason=VisitReason.AUGUST_FIRST,
        visited_on=datetime.date(2026, 8, 1), participants="社区",
    )  # fmt: skip
    client = login_as("xinhu_clerk")
    rows = client.get("/care/").context["rows"]
    assert [r.on for r in rows] == sorted((r.on for r in rows), reverse=True)
    assert [r.label for r in rows] == ["八一走访慰问", "喜报送达（二等功）", "春节走访慰问"]
    assert [r.label for r in client.get("/care/?kind=merit_notice").context["rows"]] == ["喜报送达（二等功）"]
    spring = client.get(
        "/care/?kind=visit:spring_festival", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    body = spring.content.decode()
    assert "商建国" in body and "王秀英" not in body and "商春旺" not in body
    assert "<html" not in body  # the partial only


def test_work_url_points_each_care_task_to_its_form_and_formless_tasks_nowhere(family):
    task = award_task(family["soldier"])
    assert work_url(task) == f"/care/tasks/{task.pk}/merit-notice/"
    gift = gift_pack_task(family["soldier"])
    assert work_url(gift) == f"/care/tasks/{gift.pk}/gift-pack/"
    other, _ = ensure_task(
        kind=TaskKind.RESERVE_REGISTRATION, rule="test:other", department="armed_forces",
        due_on=AWARDED, region_code=family["soldier"].region_id, person=family["soldier"],
    )  # fmt: skip
    assert work_url(other) is None


def test_the_demo_delivers_for_open_tasks_and_a_second_run_changes_nothing(family, family_of):
    assert demo.seed() == 0  # no tasks yet
    award_task(family["soldier"])
    gift_pack_task(family["soldier"])
    assert demo.seed() == 2
    assert MeritNoticeDelivery.objects.count() == GiftPackDelivery.objects.count() == 1
    assert demo.seed() == 0
    assert (
        not family["soldier"]
        .tasks.filter(kind__in=[TaskKind.MERIT_NOTICE, TaskKind.GIFT_PACK], status=TaskStatus.OPEN)
        .exists()
    )
