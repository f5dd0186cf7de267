"""The candidate's path: the transition table, the public notice, failures, the one-time
enlistment event, 退兵, the board's group advance, applications and the quota split."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from yizhan.conscription import services
from yizhan.conscription.models import (
    Campaign,
    CandidateStatus,
    Conclusion,
    Half,
    Registration,
    Stage,
    StageResult,
)
from yizhan.conscription.workflow import NEXT, TransitionError
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people.models import Education, Identity, IdentityKind, ServiceRecord
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind

from .conftest import HUAQIAO_VILLAGE, XINHU_VILLAGE

D = datetime.date
JUNE_1 = D(2026, 6, 1)


def record(candidate, stage, on, passed=True, reason=""):
    return services.record_stage(
        actor=None, candidate=candidate, stage=stage, passed=passed, on=on, reason=reason
    )


def test_every_allowed_transition_is_recorded_in_the_tables_order(candidate, advance):
    path = [Stage.APPLICATION]
    while path[-1] in NEXT:
        path.append(NEXT[path[-1]])
    assert path == [
        Stage.APPLICATION, Stage.PRESCREEN, Stage.MEDICAL, Stage.POLITICAL, Stage.HOME_CHECK, Stage.TRAINING,
        Stage.PROVISIONAL, Stage.NOTICE, Stage.APPROVAL, Stage.HANDOVER,
    ]  # fmt: skip
    for stage in path[1:]:
        candidate = advance(candidate, up_to=stage)
        assert candidate.stage == stage
        expected = (
            CandidateStatus.ENLISTED if stage in {Stage.APPROVAL, Stage.HANDOVER} else CandidateStatus.ACTIVE
        )
        assert candidate.status == expected
    assert list(candidate.results.values_list("stage", flat=True)) == [s.value for s in path]
    assert all(candidate.results.values_list("passed", flat=True))


@pytest.mark.parametrize("current", [s for s in NEXT if NEXT[s] in NEXT])
def test_skipping_a_stage_is_refused_with_a_message(candidate, advance, current):
    candidate = advance(candidate, up_to=current)
    skipped_to = NEXT[NEXT[current]]
    with pytest.raises(TransitionError) as caught:
        record(candidate, skipped_to, D(2026, 8, 31))
    assert str(caught.value) == (
        f"不能从“{Stage(current).label}”直接办理“{Stage(skipped_to).label}”：下一环节应为“{NEXT[current].label}”。"
    )
    assert not StageResult.objects.filter(candidate=candidate, stage=skipped_to).exists()


def test_a_stage_cannot_be_recorded_twice_nor_out_of_date_order(candidate, advance):
    candidate = advance(candidate, up_to=Stage.MEDICAL)
    with pytest.raises(TransitionError, match="下一环节应为“政治考核”"):
        record(candidate, Stage.MEDICAL, D(2026, 6, 1))
    with pytest.raises(ValidationError, match="日期不能早于上一环节“体格检查”"):
        record(candidate, Stage.POLITICAL, D(2026, 5, 1))


def test_a_public_notice_shorter_than_five_days_is_refused(candidate, advance):
    candidate = advance(candidate, up_to=Stage.PROVISIONAL)
    candidate = record(candidate, Stage.NOTICE, D(2026, 8, 25))
    assert candidate.notice_starts_on == D(2026, 8, 25)
    with pytest.raises(TransitionError, match=r"公示不少于 5 天：最早可于 2026年8月30日 批准入伍"):
        record(candidate, Stage.APPROVAL, D(2026, 8, 29))
    assert not DomainEvent.objects.filter(kind=EventKind.ENLISTMENT_APPROVED).exists()
    assert record(candidate, Stage.APPROVAL, D(2026, 8, 30)).status == CandidateStatus.ENLISTED


def test_a_failure_closes_the_candidate_with_stage_and_reason_and_ends_the_applicant_identity(
    candidate, advance
):
    candidate = advance(candidate, up_to=Stage.PRESCREEN)
    applicant = Identity.objects.get(person=candidate.person, kind=IdentityKind.APPLICANT)
    assert applicant.until is None
    with pytest.raises(ValidationError, match="未通过时须填写原因"):
        record(candidate, Stage.MEDICAL, D(2026, 6, 1), passed=False)

    candidate = record(candidate, Stage.MEDICAL, D(2026, 6, 1), passed=False, reason="视力不合格")

    assert (candidate.status, candidate.failed_stage, candidate.failure_reason) == (
        CandidateStatus.FAILED,
        Stage.MEDICAL,
        "视力不合格",
    )
    applicant.refresh_from_db()
    assert applicant.until == D(2026, 6, 1)
    assert DomainEvent.objects.filter(kind=EventKind.CANDIDATE_FAILED, person=candidate.person).count() == 1
    with pytest.raises(TransitionError, match="状态为“未通过”，不能继续办理"):
        record(candidate, Stage.POLITICAL, D(2026, 6, 2))


def test_approval_fires_the_enlistment_exactly_once(candidate, advance, parents):
    person = candidate.person
    candidate = advance(candidate, up_to=Stage.APPROVAL)

    events = DomainEvent.objects.filter(kind=EventKind.ENLISTMENT_APPROVED, person=person)
    assert events.count() == 1
    approved_on = events.get().occurred_on
    assert (
        ServiceRecord.objects.filter(
            person=person, enlisted_on=approved_on, discharged_on__isnull=True
        ).count()
        == 1
    )
    assert person.identities.filter(kind=IdentityKind.ACTIVE_SERVICEMEMBER, until__isnull=True).count() == 1
    assert not person.identities.filter(kind=IdentityKind.APPLICANT, until__isnull=True).exists()
    for parent in parents:
        assert parent.identities.filter(
            kind=IdentityKind.MILITARY_FAMILY, through=person, until__isnull=True
        ).exists()
    kinds = sorted(Task.objects.filter(cause__in=events).values_list("kind", flat=True))
    assert kinds == sorted([TaskKind.GIFT_PACK, TaskKind.HONOR_PLAQUE, TaskKind.ALLOWANCE_RECIPIENT])
    counts = (
        DomainEvent.objects.count(),
        Task.objects.count(),
        ServiceRecord.objects.count(),
        Identity.objects.count(),
    )

    with pytest.raises(TransitionError, match="状态为“已批准入伍”，不能继续办理"):
        record(candidate, Stage.APPROVAL, approved_on + datetime.timedelta(days=1))
    refusals = services.record_stage_for_many(
        actor=None, candidates=[candidate], stage=Stage.APPROVAL, passed=True, on=approved_on
    )

    assert refusals == ["商春旺：该应征人员状态为“已批准入伍”，不能继续办理。"]
    assert counts == (
        DomainEvent.objects.count(),
        Task.objects.count(),
        ServiceRecord.objects.count(),
        Identity.objects.count(),
    )


def test_an_approved_recruit_cannot_fail_a_later_stage_only_be_returned(candidate, advance):
    candidate = advance(candidate, up_to=Stage.APPROVAL)
    with pytest.raises(TransitionError, match="请办理退兵"):
        record(candidate, Stage.HANDOVER, D(2026, 9, 5), passed=False, reason="未到")


def test_only_an_approved_recruit_can_be_returned(candidate, advance):
    candidate = advance(candidate, up_to=Stage.PROVISIONAL)
    with pytest.raises(TransitionError, match="只有已批准入伍的新兵才能办理退兵"):
        record(candidate, Stage.RETURNED, D(2026, 9, 5), passed=False, reason="体检复查不合格")


def test_a_returned_recruit_ends_his_service_and_his_familys_military_status(candidate, advance, parents):
    candidate = advance(candidate, up_to=Stage.HANDOVER)
    person = candidate.person
    with pytest.raises(ValidationError, match="退兵须填写原因"):
        record(candidate, Stage.RETURNED, D(2026, 9, 20), passed=False)

    candidate = record(candidate, Stage.RETURNED, D(2026, 9, 20), passed=False, reason="检疫复查：心律不齐")

    assert (candidate.status, candidate.stage, candidate.failure_reason) == (
        CandidateStatus.RETURNED,
        Stage.RETURNED,
        "检疫复查：心律不齐",
    )
    assert ServiceRecord.objects.get(person=person).discharged_on == D(2026, 9, 20)
    assert person.identities.get(kind=IdentityKind.ACTIVE_SERVICEMEMBER).until == D(2026, 9, 20)
    for parent in parents:
        assert parent.identities.get(kind=IdentityKind.MILITARY_FAMILY).until == D(2026, 9, 20)
    assert DomainEvent.objects.filter(kind=EventKind.RECRUIT_RETURNED, person=person).count() == 1
    with pytest.raises(TransitionError):
        record(candidate, Stage.RETURNED, D(2026, 9, 21), passed=False, reason="再次")


def test_the_group_advance_reports_refusals_and_records_the_rest(
    make_person, year_2026, campaign, candidate, advance
):
    others = []
    for name in ("甲应征", "乙应征"):
        person = make_person(name=name, village=XINHU_VILLAGE, born=D(2007, 5, 1))
        services.record_registration(
            actor=None, person=person, on=D(2026, 4, 2), conclusion=Conclusion.LIABLE
        )
        others.append(services.apply(actor=None, person=person, campaign=campaign, on=D(2026, 5, 10)))
    ahead = advance(candidate, up_to=Stage.PRESCREEN)  # 商春旺 is already past 初审初检

    refusals = services.record_stage_for_many(
        actor=None, candidates=[ahead, *others], stage=Stage.PRESCREEN, passed=True, on=D(2026, 5, 20)
    )

    assert refusals == ["商春旺：不能从“初审初检”直接办理“初审初检”：下一环节应为“体格检查”。"]
    for other in others:
        other.refresh_from_db()
        assert other.stage == Stage.PRESCREEN
    assert StageResult.objects.filter(stage=Stage.PRESCREEN).count() == 3


def test_a_group_failure_needs_a_reason_for_each(candidate):
    refusals = services.record_stage_for_many(
        actor=None, candidates=[candidate], stage=Stage.PRESCREEN, passed=False, on=D(2026, 5, 20)
    )
    assert refusals == ["商春旺：未通过时须填写原因。"]


def test_applying_needs_a_liable_registration_in_his_county_within_the_age_and_window(
    make_person, year_2026, campaign, recruit
):
    def refusal(person, on=JUNE_1, to=campaign) -> str:
        with pytest.raises(ValidationError) as caught:
            services.apply(actor=None, person=person, campaign=to, on=on)
        return " ".join(caught.value.messages)

    unregistered = make_person(name="甲未登", born=D(2008, 2, 1))
    assert refusal(unregistered) == "请先进行兵役登记。"
    exempt = make_person(name="乙免服", born=D(2008, 2, 1))
    services.record_registration(
        actor=None, person=exempt, on=D(2026, 4, 1), conclusion="exempt", reason="残疾"
    )
    assert refusal(exempt) == "兵役登记结论为“免服兵役”，不能应征报名。"
    graduate = make_person(name="丙毕业", born=D(2003, 2, 1), education=Education.BACHELOR)
    services.record_registration(actor=None, person=graduate, on=D(2026, 4, 1), conclusion="liable")
    assert services.apply(actor=None, person=graduate, campaign=campaign, on=D(2026, 6, 1))  # 23: to 24
    older = make_person(name="丁超龄", born=D(2003, 2, 1), village="371402001003")
    Registration.objects.create(
        person=older, year=2021, registered_on=D(2021, 3, 1), kind="initial", conclusion="liable"
    )
    assert refusal(older) == "征集年龄为当年 12 月 31 日前年满 17 至 22 周岁，此人为 23 周岁。"
    assert "报名期为 2026年5月1日 至 2026年9月1日" in refusal(recruit, on=D(2026, 4, 30))
    kunshan = Campaign.objects.create(
        county_id="320583000000",
        year=2026,
        half=Half.SECOND,
        opens_on=D(2026, 5, 1),
        approval_on=D(2026, 9, 1),
        quota=5,
    )
    assert refusal(recruit, to=kunshan) == "只能报名户籍所在县（区）的征兵批次。"
    first = services.apply(actor=None, person=recruit, campaign=campaign, on=D(2026, 6, 1))
    assert services.apply(actor=None, person=recruit, campaign=campaign, on=D(2026, 6, 2)) == first
    spring = Campaign.objects.create(
        county_id="371402000000",
        year=2027,
        half=Half.FIRST,
        opens_on=D(2026, 5, 1),
        approval_on=D(2027, 3, 1),
        quota=5,
    )
    assert "中为进行中，不能重复报名" in refusal(recruit, to=spring)


def test_a_campaign_is_checked_before_it_is_created(world):
    county = Region.objects.get(code="371402000000")
    values = {"actor": None, "county": county, "year": 2027, "half": Half.FIRST, "quota": 10}
    with pytest.raises(ValidationError) as caught:
        services.create_campaign(**values, opens_on=D(2027, 9, 2), approval_on=D(2027, 9, 1))
    assert caught.value.message_dict == {
        "approval_on": ["上半年批次的批准入伍日期应在1–6月。"],
        "opens_on": ["报名开始日期应早于批准入伍日期。"],
    }
    services.create_campaign(**values, opens_on=D(2026, 11, 1), approval_on=D(2027, 3, 1))
    with pytest.raises(ValidationError, match="德城区2027年上半年征兵批次已存在"):
        services.create_campaign(**values, opens_on=D(2026, 11, 1), approval_on=D(2027, 3, 1))


def test_a_township_quota_belongs_to_the_campaigns_county(campaign):
    with pytest.raises(ValidationError, match="花桥经济开发区不是德城区的乡镇"):
        services.set_township_quotas(actor=None, campaign=campaign, quotas={HUAQIAO_VILLAGE[:9] + "000": 3})
    assert services.set_township_quotas(actor=None, campaign=campaign, quotas={"371402001000": 3}) == 1
    assert campaign.township_quotas.get().quota == 3


def test_the_suggested_split_weighs_population_and_registrants_equally():
    campaign = Campaign(quota=10)
    split = services.suggest_split(
        campaign=campaign, population={"A": 300, "B": 100}, registrants={"A": 10, "B": 30}
    )
    assert split == {"A": 5, "B": 5}
    assert services.suggest_split(campaign=campaign, population={"A": 3, "B": 1}, registrants={}) == {
        "A": 8,
        "B": 2,
    }
    assert services.suggest_split(campaign=campaign, population={"A": 0, "B": 0, "C": 0}, registrants={}) == {
        "A": 4,
        "B": 3,
        "C": 3,
    }


@given(
    quota=st.integers(min_value=0, max_value=500),
    population=st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(min_value=0, max_value=10**6)),
    registrants=st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(min_value=0, max_value=10**4)),
)
def test_the_suggested_split_always_sums_to_the_quota(quota, population, registrants):
    split = services.suggest_split(
        campaign=Campaign(quota=quota), population=population, registrants=registrants
    )
    assert set(split) == set(population) | set(registrants)
    if split:
        assert sum(split.values()) == quota
        assert all(share >= 0 for share in split.values())
