"""The demo (`seed_demo`) looks like a real station's: given names that match the sex, awards
that lie in the past, and rows on every list page of every area the demo personas open."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from yizhan.people.demo import GIVEN, TODAY
from yizhan.people.models import Award, Person, Sex

# Every list of an area the station head opens; the county officer's lists of his county.
LISTS = {
    "xinhu_head": [
        "/", "/tasks/", "/people/", "/conscription/", "/conscription/unregistered/", "/veterans/",
        "/veterans/cards/", "/benefits/", "/benefits/allowance/batches/", "/benefits/allowance/ledger/",
        "/benefits/bonuses/", "/benefits/plaques/", "/care/", "/ledgers/runs/", "/system/logs/operations/",
        "/system/logs/logins/", "/system/online/",
    ],
    "decheng": ["/conscription/", "/veterans/cards/", "/benefits/allowance/batches/", "/benefits/bonuses/"],
}  # fmt: skip
# What an empty list says (the {% empty %} rows of the templates).
EMPTY = re.compile(r'text-secondary[^"]*">((?:暂无|没有|尚未|辖区内没有)[^<]{0,30})<')


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 — silence the listing


def test_the_demo_looks_like_a_real_stations_data(demo, login_as):
    other = {Sex.MALE: Sex.FEMALE, Sex.FEMALE: Sex.MALE}
    for name, sex in Person.objects.values_list("name", "sex").iterator():
        given = [g for g in GIVEN[sex] if name.endswith(g)]
        assert given, f"{name}（{Sex(sex).label}）的名字不在本性别的名单中"
        assert not any(name.endswith(g) for g in GIVEN[other[sex]] if len(g) > len(given[0])), name
    assert not Award.objects.filter(awarded_on__gt=TODAY).exists(), "立功受奖日期须在过去"
    empty = []
    for username, urls in LISTS.items():
        client = login_as(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, f"{username} {url}"
            empty += [f"{username} {url}: {text}" for text in EMPTY.findall(response.content.decode())]
    assert not empty, "demo lists without rows:\n" + "\n".join(empty)
