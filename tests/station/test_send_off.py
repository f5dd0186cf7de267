"""欢送新兵 (娄底 "一次送到"): the send-off of an intake lists its approved recruits of the township,
and one action records every family's 入伍礼包 as delivered — each through the gift pack record,
so each task closes and each household's 光荣牌 is hung by the rules table."""

import datetime

from tests.station.conftest import APPROVAL
from yizhan.benefits.models import HonorPlaque
from yizhan.care.models import GiftPackDelivery
from yizhan.station import services
from yizhan.station.models import JointActivity
from yizhan.worklist.models import Task, TaskKind, TaskStatus

SEND_OFF_DAY = datetime.date(2026, 9, 3)


def send_off(client, intake):
    client.post("/station/activities/new/", {
        "kind": "send_off", "title": "2026年下半年新兵欢送会", "held_on": SEND_OFF_DAY.isoformat(), "place": "新湖街道礼堂",
        "organiser": "both", "campaign": intake.pk, "schools": "新湖中学",
    })  # fmt: skip
    return JointActivity.objects.get()


def test_the_send_off_lists_the_recruits_and_delivers_every_gift_pack_in_one_action(
    recruit, intake, login_as
):
    first, second = recruit("商春旺"), recruit("韩立新")
    recruit("钱外乡", village="320583400001")  # of another county's station: not his send-off
    client = login_as("xinhu_head")
    activity = send_off(client, intake)
    page = client.get(f"/station/activities/{activity.pk}/").content.decode()
    assert "商春旺" in page and "韩立新" in page and "钱外乡" not in page
    tasks = {t.person_id: t for t in Task.objects.filter(kind=TaskKind.GIFT_PACK, person__in=[first, second])}
    response = client.post(f"/station/activities/{activity.pk}/gift-packs/", {
        f"received_by_{tasks[first.pk].pk}": "商建国", f"received_by_{tasks[second.pk].pk}": "韩大妈", "signed": "on",
    })  # fmt: skip
    assert response.status_code == 302
    deliveries = GiftPackDelivery.objects.all()
    assert {(d.person, d.received_by, d.delivered_on) for d in deliveries} == {
        (second, "韩大妈", SEND_OFF_DAY), (first, "商建国", SEND_OFF_DAY),
    }  # fmt: skip
    assert all(d.plaque and d.service_guide and d.policy_handbook for d in deliveries)
    assert set(
        Task.objects.filter(pk__in=[t.pk for t in tasks.values()]).values_list("status", flat=True)
    ) == {TaskStatus.DONE}
    # the 光荣之家 plaque among the three hangs on each household's 光荣牌 register (rules table)
    assert HonorPlaque.objects.filter(household__in=[first.household, second.household]).count() == 2
    assert set(activity.persons.all()) == {first, second}
    assert "均已送达" in client.get(f"/station/activities/{activity.pk}/").content.decode()


def test_one_missing_name_delivers_none_and_says_whose(recruit, intake, login_as):
    first = recruit("商春旺")
    recruit("韩立新")
    client = login_as("xinhu_head")
    activity = send_off(client, intake)
    task = Task.objects.get(kind=TaskKind.GIFT_PACK, person=first)
    response = client.post(
        f"/station/activities/{activity.pk}/gift-packs/", {f"received_by_{task.pk}": "商建国"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写韩立新家签收家属姓名。" in page and 'value="商建国"' in page
    assert not GiftPackDelivery.objects.exists()


def test_a_send_off_needs_its_intake_and_other_activities_carry_none(xinhu, intake):
    from django.core.exceptions import ValidationError

    try:
        services.create_activity(actor=None, township=xinhu, kind="send_off", title="欢送会", held_on=APPROVAL,
                                 place="礼堂", organiser="both")  # fmt: skip
    except ValidationError as exc:
        assert exc.message_dict["campaign"] == ["欢送新兵须选择征兵批次。"]
    else:
        raise AssertionError("a send-off without its intake was accepted")
    lesson = services.create_activity(
        actor=None, township=xinhu, kind="national_defense", title="国防教育进校园", held_on=APPROVAL, place="新湖中学",
        organiser="armed_forces", campaign=intake, schools="新湖中学",
    )  # fmt: skip
    assert lesson.campaign is None
