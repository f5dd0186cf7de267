"""Done when (#11): a stage recorded with a wrong date is corrected and the candidate reaches 批准入伍.

As xinhu_head: the 公示 is recorded with today's date instead of the day it began, so 批准入伍 is
refused (five days of notice); 更正 beside the 公示 row, with the reason, moves it, and the
approval goes through. The person's timeline shows the original, the correction, who and why."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_conscription import setting_up_a_registered_young_man_and_an_open_intake
from yizhan.conscription import services
from yizhan.conscription.models import Campaign, Candidate, CandidateStatus, Stage
from yizhan.conscription.workflow import NEXT
from yizhan.lifecycle.models import DomainEvent, EventKind

DAY = datetime.timedelta(days=1)


def test_a_stage_recorded_with_a_wrong_date_is_corrected_and_the_candidate_reaches_enlistment(
    page, sign_in, live_server
):
    today = timezone.localdate()
    recruit, _ = setting_up_a_registered_young_man_and_an_open_intake(today)
    campaign = Campaign.objects.get()
    candidate = services.apply(actor=None, person=recruit, campaign=campaign, on=today - 30 * DAY)
    stage, on = Stage(candidate.stage), today - 30 * DAY
    while stage != Stage.PROVISIONAL:
        stage, on = NEXT[stage], on + DAY
        candidate = services.record_stage(actor=None, candidate=candidate, stage=stage, passed=True, on=on)

    sign_in(page, "xinhu_head")
    page.goto(f"{live_server.url}/conscription/candidates/{candidate.pk}/")
    form = page.get_by_test_id("stage-form")
    form.get_by_label("通过", exact=True).check()
    form.get_by_label("日期").fill(today.isoformat())  # wrong: the notice went up ten days ago
    form.get_by_role("button", name="记录公示").click()
    expect(page.get_by_test_id("stage-results")).to_contain_text("公示")

    form = page.get_by_test_id("stage-form")
    form.get_by_label("通过", exact=True).check()
    form.get_by_label("日期").fill(today.isoformat())
    form.get_by_role("button", name="记录批准入伍").click()
    expect(page.get_by_text("公示不少于 5 天")).to_be_visible()

    notice_row = page.get_by_test_id("stage-results").locator("tbody tr").filter(has_text="公示")
    notice_row.get_by_role("link", name="更正").click()
    correction = page.get_by_test_id("correction-form")
    correction.get_by_label("日期").fill((today - 10 * DAY).isoformat())
    correction.get_by_role("button", name="确认更正").click()
    expect(correction.get_by_text("请填写更正原因")).to_be_visible()  # the reason is required
    correction.get_by_label("日期").fill((today - 10 * DAY).isoformat())
    correction.get_by_label("更正原因").fill("公示实际于十天前张贴，录入时误填当天")
    correction.get_by_role("button", name="确认更正").click()
    expect(page.get_by_role("alert").filter(has_text="已更正")).to_be_visible()

    form = page.get_by_test_id("stage-form")
    form.get_by_label("通过", exact=True).check()
    form.get_by_label("日期").fill(today.isoformat())
    form.get_by_role("button", name="记录批准入伍").click()
    expect(page.get_by_test_id("status")).to_have_text("已批准入伍")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ENLISTED
    assert candidate.notice_starts_on == today - 10 * DAY
    assert DomainEvent.objects.filter(kind=EventKind.ENLISTMENT_APPROVED, person=recruit).count() == 1

    # The timeline: the correction, what it changed, who and why.
    page.goto(f"{live_server.url}/people/{recruit.pk}/?tab=timeline")
    shown = page.get_by_test_id("events").get_by_test_id("correction")
    expect(shown).to_contain_text(f"日期 {today.year}年{today.month}月{today.day}日")
    expect(shown).to_contain_text("公示实际于十天前张贴")
    expect(shown).to_contain_text("宋立军")
    assert Candidate.objects.get(pk=candidate.pk).results.get(stage=Stage.NOTICE).on == today - 10 * DAY
