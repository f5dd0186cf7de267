import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.care.conftest import AWARDED, award_task
from tests.files import png
from yizhan.audit.models import AuditEvent
from yizhan.care import services
from yizhan.care.models import DeliveryLevel, MeritNoticeDelivery
from yizhan.people.models import AwardLevel, Document
from yizhan.worklist.models import TaskStatus


def form_data(task, **overrides):
    data = {
        "award": task.person.awards.get().pk,
        "family_address": "运河路 12 号",
        "delivered_on": "2026-03-04",
        "participants": "德城区人武部 郑某；新湖街道武装部 宋某",
        "logged_on": "2026-03-03",
        "family_signed": "on",
        "signer_name": "商建国",
    }
    data.update(overrides)
    return data


def test_the_form_records_the_delivery_and_doing_so_closes_the_task(family, login_as):
    task = award_task(family["soldier"])
    client = login_as("xinhu_clerk")
    page = client.get(f"/care/tasks/{task.pk}/merit-notice/")
    assert page.status_code == 200
    assert "市送达" in page.content.decode()  # 一等功: the city delivers it
    data = form_data(task, photo=SimpleUploadedFile("现场.png", png(), content_type="image/png"))
    response = client.post(f"/care/tasks/{task.pk}/merit-notice/", data)
    delivery = MeritNoticeDelivery.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/care/merit-notices/{delivery.pk}/"
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_by.username == "xinhu_clerk"
    assert "市送达" in task.outcome
    assert (delivery.task, delivery.award, delivery.level) == (task, family["soldier"].awards.get(), "city")
    assert (delivery.family_signed, delivery.signer_name, delivery.logged_late) == (True, "商建国", False)
    assert delivery.household == family["household"] and delivery.region_code == "371402001001"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"care.merit_notice.deliver", "task.complete", "person.document.attach"} <= actions


def test_the_photo_is_kept_as_a_document_and_does_not_replace_the_persons_photo(family, persona):
    task = award_task(family["soldier"])
    delivery = services.record_merit_notice(
        actor=persona("xinhu_clerk"), task=task, award=family["soldier"].awards.get(),
        family_address="运河路 12 号", delivered_on=AWARDED, participants="街道武装部",
        logged_on=AWARDED, family_signed=False, photo=services.Photo(content=png(), filename="a.png"),
    )  # fmt: skip
    document = Document.objects.get()
    assert delivery.photo == document and document.person == family["soldier"]
    family["soldier"].refresh_from_db()
    assert family["soldier"].photo is None


@pytest.mark.parametrize(
    ("award", "level"),
    [
        (AwardLevel.BAYI_MEDAL, DeliveryLevel.CITY),
        (AwardLevel.HONORARY_TITLE, DeliveryLevel.CITY),
        (AwardLevel.FIRST_CLASS, DeliveryLevel.CITY),
        (AwardLevel.SECOND_CLASS, DeliveryLevel.COUNTY),
        (AwardLevel.THIRD_CLASS, DeliveryLevel.TOWNSHIP),
        (AwardLevel.OUTSTANDING_SOLDIER, DeliveryLevel.TOWNSHIP),
        (AwardLevel.FOUR_HAVES, DeliveryLevel.TOWNSHIP),
    ],
)
def test_the_delivery_level_rises_with_the_award(family, award, level):
    task = award_task(family["soldier"], level=award)
    assert services.delivery_level_for(task.person.awards.get()) == level


@pytest.mark.parametrize(("award", "level"), [("second_class", "county"), ("third_class", "township")])
def test_the_recorded_delivery_carries_the_level_of_its_award(family, persona, award, level):
    task = award_task(family["soldier"], level=award)
    delivery = deliver(task, persona("xinhu_clerk"), logged_on=AWARDED)
    assert delivery.level == level


def deliver(task, actor, *, logged_on, delivered_on=None):
    return services.record_merit_notice(
        actor=actor, task=task, award=task.person.awards.get(), family_address="运河路 12 号",
        delivered_on=delivered_on or logged_on, participants="街道武装部", logged_on=logged_on,
        family_signed=False,
    )  # fmt: skip


def test_a_log_later_than_two_working_days_after_the_award_is_flagged_not_refused(family, persona):
    task = award_task(family["soldier"])  # Monday 2 March: due Wednesday 4 March
    delivery = deliver(task, persona("xinhu_clerk"), logged_on=datetime.date(2026, 3, 5))
    assert (delivery.log_due_on, delivery.logged_late) == (datetime.date(2026, 3, 4), True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and "登记逾期" in task.outcome


def test_a_log_on_the_second_working_day_is_on_time(family, persona):
    task = award_task(family["soldier"])
    assert deliver(task, persona("xinhu_clerk"), logged_on=datetime.date(2026, 3, 4)).logged_late is False


def test_the_weekend_does_not_count_against_the_two_working_days(family, persona):
    task = award_task(family["soldier"], recorded_on=datetime.date(2026, 3, 6))  # a Friday
    delivery = deliver(task, persona("xinhu_clerk"), logged_on=datetime.date(2026, 3, 10))  # Tuesday
    assert (delivery.log_due_on, delivery.logged_late) == (datetime.date(2026, 3, 10), False)


def test_the_late_flag_shows_on_the_record_page(family, persona, login_as):
    task = award_task(family["soldier"])
    delivery = deliver(task, persona("xinhu_clerk"), logged_on=datetime.date(2026, 3, 9))
    assert "逾期登记" in login_as("xinhu_clerk").get(f"/care/merit-notices/{delivery.pk}/").content.decode()


def test_a_signed_delivery_without_the_signers_name_is_refused_beside_the_field(family, login_as):
    task = award_task(family["soldier"])
    response = login_as("xinhu_clerk").post(
        f"/care/tasks/{task.pk}/merit-notice/", form_data(task, signer_name="")
    )
    assert response.status_code == 400
    assert "请填写签收人姓名" in response.content.decode()
    assert 'value="运河路 12 号"' in response.content.decode()  # what was typed is kept
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not MeritNoticeDelivery.objects.exists()


def test_a_delivery_dated_in_the_future_is_refused(family, persona):
    task = award_task(family["soldier"])
    with pytest.raises(ValidationError) as refused:
        deliver(task, persona("xinhu_clerk"), logged_on=AWARDED, delivered_on=datetime.date(2999, 1, 1))
    assert "送达日期不能晚于今天" in str(refused.value)


def test_the_form_offers_only_the_award_its_event_names(family, login_as):
    soldier = family["soldier"]
    award_task(soldier, level="third_class", recorded_on=datetime.date(2025, 12, 1))
    task = award_task(soldier, level="first_class")
    form = login_as("xinhu_clerk").get(f"/care/tasks/{task.pk}/merit-notice/").context["form"]
    assert [a.level for a in form.fields["award"].queryset] == ["first_class"]


def test_a_done_task_sends_its_form_to_the_record_and_cannot_be_delivered_twice(family, persona, login_as):
    task = award_task(family["soldier"])
    delivery = deliver(task, persona("xinhu_clerk"), logged_on=AWARDED)
    client = login_as("xinhu_clerk")
    again = client.post(f"/care/tasks/{task.pk}/merit-notice/", form_data(task))
    assert again.status_code == 302 and again["Location"] == f"/care/merit-notices/{delivery.pk}/"
    with pytest.raises(ValidationError, match="已办结"):
        deliver(task, persona("xinhu_clerk"), logged_on=AWARDED)
    assert MeritNoticeDelivery.objects.count() == 1
