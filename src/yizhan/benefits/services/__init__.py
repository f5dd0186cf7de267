"""Every write of the benefits area: atomic, keyword-only, checked, audited in the same transaction
(bank accounts and ID numbers masked in the trail). Work forms close their task here, in the
transaction that writes the record: doing the work is what closes the task.

allowance: 义务兵家庭优待金 · honors: 奖励金 and 光荣牌. Callers use `services.<name>`.
"""

from yizhan.benefits.services.allowance import (
    BatchResult,
    add_months,
    bank_file,
    designate_recipient,
    generate_batch,
    is_paid,
    mark_batch_paid,
    normalize_account,
    period_bounds,
    restore_periods,
    reveal_account,
    review_batch,
    schedule_periods,
    set_allowance_rate,
    stop_periods,
    withdraw_unpaid_periods,
)
from yizhan.benefits.services.honors import (
    bonus_rate_for,
    entitle_bonus,
    follow_the_family,
    hang_plaque,
    hang_with_gift_pack,
    pay_bonus,
    register_plaque_due,
    set_bonus_rate,
    take_down_gift_pack_plaque,
    withdraw_bonus,
    withdraw_plaque_due,
)

__all__ = [
    "BatchResult",
    "add_months",
    "bank_file",
    "bonus_rate_for",
    "designate_recipient",
    "entitle_bonus",
    "follow_the_family",
    "generate_batch",
    "hang_plaque",
    "hang_with_gift_pack",
    "is_paid",
    "mark_batch_paid",
    "normalize_account",
    "pay_bonus",
    "period_bounds",
    "register_plaque_due",
    "restore_periods",
    "reveal_account",
    "review_batch",
    "schedule_periods",
    "set_allowance_rate",
    "set_bonus_rate",
    "stop_periods",
    "take_down_gift_pack_plaque",
    "withdraw_bonus",
    "withdraw_plaque_due",
    "withdraw_unpaid_periods",
]
