"""Where a care record lives — for links from other pages (task forms: worklist.links)."""

from __future__ import annotations

from django.urls import reverse

from yizhan.care.models import CondolenceVisit, GiftPackDelivery, MeritNoticeDelivery

RECORD_PAGES = {
    MeritNoticeDelivery: "care:merit_notice",
    GiftPackDelivery: "care:gift_pack",
    CondolenceVisit: "care:visit",
}


def record_url(item: MeritNoticeDelivery | GiftPackDelivery | CondolenceVisit) -> str:
    return reverse(RECORD_PAGES[type(item)], args=[item.pk])
