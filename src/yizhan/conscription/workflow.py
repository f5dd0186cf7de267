"""The candidate's path as one table, checked by one function (Oscar's way): read it to know
every move the system allows; anything else is refused with a reason."""

from __future__ import annotations

import datetime

from yizhan.conscription.models import Candidate, CandidateStatus, Stage
from yizhan.core.flow import TransitionError, check_move
from yizhan.core.policy_values import policy_value

# stage passed -> the stage that may be recorded next
NEXT = {
    Stage.APPLICATION: Stage.PRESCREEN,
    Stage.PRESCREEN: Stage.MEDICAL,
    Stage.MEDICAL: Stage.POLITICAL,
    Stage.POLITICAL: Stage.HOME_CHECK,
    Stage.HOME_CHECK: Stage.TRAINING,
    Stage.TRAINING: Stage.PROVISIONAL,
    Stage.PROVISIONAL: Stage.NOTICE,
    Stage.NOTICE: Stage.APPROVAL,
    Stage.APPROVAL: Stage.HANDOVER,
}
# After arrival a recruit may still be sent back (检疫复查 → 退兵).
RETURNABLE_FROM = {Stage.APPROVAL, Stage.HANDOVER}
ORDER = list(Stage)


def public_notice_days(candidate: Candidate) -> int:
    """The county's 公示 period in force when the notice began."""
    return policy_value(
        "conscription.public_notice_days",
        region_code=candidate.campaign.county_id,
        on=candidate.notice_starts_on,
    )


def check_transition(candidate: Candidate, target: str, *, passed: bool, on: datetime.date) -> None:
    stage = Stage(candidate.stage)
    if target == Stage.RETURNED:
        if stage not in RETURNABLE_FROM or candidate.status != CandidateStatus.ENLISTED:
            raise TransitionError("只有已批准入伍的新兵才能办理退兵。")
        return
    if candidate.status != CandidateStatus.ACTIVE and not (
        candidate.status == CandidateStatus.ENLISTED and target == Stage.HANDOVER
    ):
        raise TransitionError(f"该应征人员状态为“{candidate.get_status_display()}”，不能继续办理。")
    if candidate.status == CandidateStatus.ENLISTED and not passed:
        # Enlistment has already opened his service and made his family 军属: undoing that is 退兵.
        raise TransitionError("已批准入伍的新兵不能记为未通过；如需退回，请办理退兵。")
    check_move(NEXT, stage, target, label=lambda s: Stage(s).label, verb="直接办理", step="环节")
    if target == Stage.APPROVAL and passed:
        if candidate.campaign.closed:
            raise TransitionError(f"“{candidate.campaign}”已结束，不能再批准入伍。")
        if candidate.notice_starts_on is None:
            raise TransitionError("尚未公示，不能批准入伍。")
        notice_days = public_notice_days(candidate)
        if (on - candidate.notice_starts_on).days < notice_days:
            earliest = candidate.notice_starts_on + datetime.timedelta(days=notice_days)
            raise TransitionError(
                f"公示不少于 {notice_days} 天：最早可于 {earliest:%Y年%-m月%-d日} 批准入伍。"
            )
