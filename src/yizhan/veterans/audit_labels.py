"""Chinese names of the veterans app's audit actions (read by yizhan.audit.labels). The 优待证
steps and the 帮扶 steps are named per status, so a new status needs its label here."""

from yizhan.veterans.models import AssistanceStatus, CardStatus

CARD_STEPS = {
    CardStatus.ACCEPTED: "优待证受理",
    CardStatus.COUNTY_REVIEW: "优待证报县级审核",
    CardStatus.IN_PRODUCTION: "优待证审核通过，制卡",
    CardStatus.ARRIVED: "优待证已到县",
    CardStatus.ISSUED: "优待证已发放",
    CardStatus.RETURNED: "优待证退回",
}
ACTIONS = {
    "veteran.checkin": "退役报到",
    "veteran.profile.create": "建档立卡",
    "veteran.profile.update": "更新建档立卡",
    "veteran.confirm": "年度确认",
    "veteran.employment": "就业创业服务",
    "veteran.assistance.apply": "帮扶援助申请",
    **{f"veteran.assistance.{status}": f"帮扶援助：{label}" for status, label in AssistanceStatus.choices},
    **{f"card.{status}": CARD_STEPS[status] for status in CardStatus},
}
