"""落一子全盘活 — read this table top to bottom to know everything that follows a recorded fact.

Each event lists its consequences in order; lifecycle.services.emit applies them in the
transaction that records the fact, so either all of them happen or none. Departments: A = 武装部
(armed_forces), S = 服务站 (veterans), J = joint.
"""

from __future__ import annotations

from yizhan.benefits.effects import (
    bonus_entitlement,
    gift_pack_plaque_hung,
    plaque_due,
    plaque_due_again,
    plaque_no_longer_due,
    plaques_follow_the_family,
    recount_unpaid_allowance,
    restore_stopped_allowance,
    schedule_allowance_periods,
    stop_allowance,
    take_down_gift_pack_plaque,
    withdraw_unpaid_bonus,
)
from yizhan.care.campaigns import open_contact_tasks
from yizhan.conscription.services import enter_open_campaign
from yizhan.core.maintenance import refresh_statistics
from yizhan.hall.case_services import mark_overdue_cases
from yizhan.hall.effects import close_waiting_case
from yizhan.lifecycle.effects import (
    FAMILY,
    HOUSEHOLD,
    before_holiday,
    cancel_open_tasks,
    cancel_work_left_behind,
    children_come_of_age,
    close_service_record,
    days,
    end_identity,
    identity,
    military_family_follows_the_family,
    open_service_record,
    policy_days,
    policy_working_days,
    reapply_corrected_fact,
    reopen_cancelled_work,
    reopen_service_record,
    reverse_identities,
    task,
)
from yizhan.lifecycle.models import EventKind
from yizhan.militia.effects import leave_on_enlistment
from yizhan.people.models import IdentityKind as Identity
from yizhan.veterans.effects import escalate_overdue_checkins
from yizhan.worklist.models import TaskDepartment as Dept
from yizhan.worklist.models import TaskKind as Kind
from yizhan.worklist.services import mark_overdue

# One 光荣牌 per household, whichever event first calls for it; never replaced.
plaque = task(
    Kind.HONOR_PLAQUE, dept=Dept.JOINT, of=HOUSEHOLD, due=before_holiday(), once="ever", rule="honor_plaque"
)

RULES = {
    EventKind.REGISTRATION_RECORDED: [
        identity(Identity.REGISTRANT),
        enter_open_campaign,  # if he wants to enlist and his county's intake is open
        close_waiting_case,  # the 兵役登记 case at the window is done
    ],
    EventKind.CANDIDATE_FAILED: [
        end_identity(Identity.APPLICANT),
    ],
    EventKind.ENLISTMENT_APPROVED: [
        open_service_record,
        end_identity(Identity.APPLICANT),
        identity(Identity.ACTIVE_SERVICEMEMBER),
        leave_on_enlistment,  # those serving are not militia
        identity(Identity.MILITARY_FAMILY, of=FAMILY),
        task(Kind.GIFT_PACK, dept=Dept.JOINT, due=days(7)),
        plaque,
        plaque_due,  # the household goes on the 光荣牌 register
        task(Kind.ALLOWANCE_RECIPIENT, dept=Dept.JOINT, due=days(14)),
        schedule_allowance_periods,
    ],
    EventKind.RECRUIT_RETURNED: [
        close_service_record,
        cancel_open_tasks(Kind.GIFT_PACK, Kind.ALLOWANCE_RECIPIENT),
        end_identity(Identity.ACTIVE_SERVICEMEMBER),
        end_identity(Identity.MILITARY_FAMILY, of=FAMILY),
        stop_allowance,
        plaque_no_longer_due,  # unless another member keeps the household due; a hung plaque stays
    ],
    EventKind.GIFT_PACK_DELIVERED: [
        gift_pack_plaque_hung,  # its 光荣之家 plaque is the household's 光荣牌
        close_waiting_case,
    ],
    EventKind.AWARD_RECORDED: [
        task(Kind.MERIT_NOTICE, dept=Dept.JOINT, due=policy_working_days("merit_notice.log_working_days")),
        bonus_entitlement,
    ],
    EventKind.STATUS_CHANGED: [  # 提干, 军校, early conversion to 军士
        stop_allowance,
    ],
    EventKind.DISCHARGED: [
        close_service_record,
        end_identity(Identity.ACTIVE_SERVICEMEMBER),
        identity(Identity.VETERAN),
        end_identity(Identity.MILITARY_FAMILY, of=FAMILY),  # kept through any other member still serving
        stop_allowance,
        task(Kind.DISCHARGE_CHECKIN, dept=Dept.VETERANS, due=policy_days("checkin.days")),
        task(Kind.RESERVE_REGISTRATION, dept=Dept.ARMED_FORCES, due=policy_days("checkin.days")),  # at 报到
        task(Kind.FILE_TRANSFER, dept=Dept.VETERANS, due=days(30)),
        task(Kind.PROFILE_RECORD, dept=Dept.VETERANS, due=days(60)),
        plaque,
        plaque_due,  # the household goes on the 光荣牌 register
    ],
    EventKind.DIED_IN_SERVICE: [  # 烈士 / 因公牺牲 / 病故, in the payload's "subtype"
        close_service_record,
        end_identity(Identity.ACTIVE_SERVICEMEMBER),
        end_identity(Identity.MILITARY_FAMILY, of=FAMILY),
        identity(Identity.BEREAVED_FAMILY, of=FAMILY, subtype_from="subtype"),
        identity(Identity.PRIORITY_ENTITLED, of=FAMILY),
        stop_allowance,
        task(Kind.CONDOLENCE_VISIT, dept=Dept.JOINT, due=days(7)),
        task(Kind.COMPENSATION, dept=Dept.VETERANS, due=days(30)),
        plaque,
        plaque_due,  # the household goes on the 光荣牌 register
    ],
    EventKind.RELATION_RECORDED: [  # e.g. a wife married during his service
        military_family_follows_the_family,
    ],
    EventKind.RELATION_REMOVED: [
        military_family_follows_the_family,
    ],
    EventKind.RELATION_CORRECTED: [  # e.g. a "brother" who is in fact his father
        military_family_follows_the_family,
    ],
    EventKind.FAMILY_FACTS_CHANGED: [  # birth date, or recorded as unable to live independently
        military_family_follows_the_family,
    ],
    EventKind.CARD_ARRIVED: [  # the county received the made 优待证: the station hands it out
        task(Kind.CARD_HANDOUT, dept=Dept.VETERANS, due=policy_working_days("card.handout_working_days")),
    ],
    # The workflows a hall case opens record their facts: the case (办件) waiting for one closes
    # (or its 一件事 step is ticked).
    EventKind.CHECKIN_RECORDED: [close_waiting_case],
    EventKind.PROFILE_RECORDED: [close_waiting_case],
    EventKind.CARD_ACCEPTED: [close_waiting_case],
    EventKind.CARD_ISSUED: [close_waiting_case],
    EventKind.RECIPIENT_NAMED: [close_waiting_case],
    EventKind.ASSISTANCE_APPLIED: [close_waiting_case],
    EventKind.EMPLOYMENT_SERVED: [close_waiting_case],
    EventKind.PLAQUE_HUNG: [close_waiting_case],
}

# A fact corrected or withdrawn (desk/corrections.py, one table of what each fact kind allows):
# what its first version caused is reversed through its links, then — for a correction — the
# fact is applied again under a new key; its tasks are carried over, work it no longer calls
# for is cancelled. Paid money stays paid: the county gets a task.
REVERSE_THE_ORIGINAL = [
    reverse_identities,  # granted ones taken back, ended ones open again
    reopen_service_record,  # closed by a discharge, death or 退兵
    reopen_cancelled_work,  # e.g. the gift pack a 退兵 cancelled
    plaque_due_again,  # a withdrawn 退兵: the household is due its 光荣牌 again
    take_down_gift_pack_plaque,  # hung by a gift pack recorded by mistake: due again
    restore_stopped_allowance,
    recount_unpaid_allowance,  # scheduled and unpaid: counted again from a corrected date
    withdraw_unpaid_bonus,
]
RULES[EventKind.FACT_CORRECTED] = [
    *REVERSE_THE_ORIGINAL,
    reapply_corrected_fact,
    cancel_work_left_behind,
]
RULES[EventKind.FACT_WITHDRAWN] = [
    *REVERSE_THE_ORIGINAL,
    cancel_work_left_behind,  # e.g. a withdrawn award's open 喜报 task
]

# Time-driven rules, run by `yizhan tick` (daily in deployments); each is idempotent.
TIME_RULES = [
    ("标记逾期待办", mark_overdue),
    ("标记超期承诺件", mark_overdue_cases),
    ("子女年满十八周岁不再为军属（不能独立生活的除外）", children_come_of_age),
    # A move between households emits no event (households do not decide 军属: decisions.md), so
    # the plaque register catches up here, the next morning.
    ("待挂光荣牌随军人家庭迁户", plaques_follow_the_family),
    ("逾期未报到提请站长（暂无站长时区县）督办", escalate_overdue_checkins),
    ("常态化联系到期提醒网格联络员", open_contact_tasks),
    ("更新数据库查询统计", refresh_statistics),
]
