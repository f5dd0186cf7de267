import datetime

from yizhan.people.selectors import search_people


def names(people):
    return [p.name for p in people]


def test_pinyin_initials_find_a_person_of_the_township(make_person, persona):
    make_person(name="商春旺")
    make_person(name="孙超伟")
    make_person(name="王小明")
    assert set(names(search_people(user=persona("xinhu_clerk"), query="scw"))) == {"商春旺", "孙超伟"}


def test_full_pinyin_and_its_prefix_find_a_person(make_person, persona):
    make_person(name="商春旺")
    clerk = persona("xinhu_clerk")
    assert names(search_people(user=clerk, query="shangchunwang")) == ["商春旺"]
    assert names(search_people(user=clerk, query="ShangChun")) == ["商春旺"]


def test_a_name_prefix_finds_people_with_exact_matches_first(make_person, persona):
    make_person(name="商春旺伟")
    make_person(name="商春旺")
    make_person(name="商春")
    assert names(search_people(user=persona("xinhu_clerk"), query="商春旺")) == ["商春旺", "商春旺伟"]


def test_an_id_number_finds_exactly_that_person_in_any_spelling(make_person, persona):
    person = make_person(name="商春旺")
    make_person(name="商春旺")
    spelled = " " + person.id_number.lower() + " "
    assert search_people(user=persona("xinhu_clerk"), query=spelled) == [person]


def test_search_never_crosses_jurisdiction(make_person, persona):
    make_person(name="商春旺", village="320583400001", born=datetime.date(1998, 1, 1))
    mine = make_person(name="商春旺")
    clerk = persona("xinhu_clerk")
    assert search_people(user=clerk, query="scw") == [mine]
    assert search_people(user=clerk, query="商春旺") == [mine]
    assert len(search_people(user=persona("huaqiao_clerk"), query="scw")) == 1
    assert search_people(user=persona("huaqiao_clerk"), query="scw")[0] != mine


def test_a_village_liaison_finds_only_his_village(make_person, persona):
    make_person(name="商春旺", village="371402001002")
    here = make_person(name="商春旺", village="371402001001")
    assert search_people(user=persona("xinhu_village"), query="scw") == [here]


def test_the_county_officer_finds_across_his_townships_and_the_administrator_finds_nobody(
    make_person, persona
):
    make_person(name="商春旺")
    assert len(search_people(user=persona("decheng"), query="scw")) == 1
    assert search_people(user=persona("admin"), query="scw") == []


def test_the_identity_and_village_filters_narrow_a_query(make_person, persona):
    from yizhan.lifecycle.services import emit

    soldier = make_person(name="商春旺", born=datetime.date(2004, 3, 1))
    make_person(name="商春旺", born=datetime.date(2004, 3, 1))  # same name, no identity
    make_person(name="商春旺", village="371402001002")  # same name, another village
    emit(kind="enlistment_approved", key="candidate:1", person=soldier, occurred_on=datetime.date(2024, 9, 1))
    clerk = persona("xinhu_clerk")
    assert len(search_people(user=clerk, query="scw")) == 3
    assert search_people(user=clerk, query="scw", identity="active_servicemember") == [soldier]
    assert len(search_people(user=clerk, query="scw", region_code="371402001001")) == 2
    assert (
        search_people(user=clerk, query="scw", region_code="371402001002", identity="active_servicemember")
        == []
    )


def test_the_search_results_page_shows_identity_badges_and_keeps_the_filters(make_person, login_as):
    from yizhan.lifecycle.services import emit

    soldier = make_person(name="商春旺", born=datetime.date(2004, 3, 1))
    make_person(name="商春旺")
    emit(kind="enlistment_approved", key="candidate:1", person=soldier, occurred_on=datetime.date(2024, 9, 1))
    client = login_as("xinhu_clerk")
    response = client.get("/people/", {"q": "scw", "identity": "active_servicemember"})
    assert response.context["people"] == [soldier]
    page = response.content.decode()
    assert "现役军人</span>" in page and 'value="active_servicemember" selected' in page


# Names around the initials "zh": 张华 (initials zh), 张华明 and 郑慧 (zh…), 朱红 (zh), 张 (initials z,
# full pinyin zhang), 赵 (zhao), 周 (zhou), and two that match nothing.
TIERED = ["张华明", "张", "赵", "张华", "朱红", "周", "郑慧", "王伟", "李强", "张华"]


def by_tiers(people, query: str, limit: int) -> list[str]:
    """What asking tier by tier and topping up gives, computed here from each person's keys."""
    from yizhan.core.pinyin import name_keys, query_kind

    def tier(person):
        pinyin, initials = person.name_pinyin, person.name_initials
        if query_kind(query) == "pinyin":
            key = query.lower()
            conditions = [initials == key, initials.startswith(key), pinyin == key, pinyin.startswith(key)]
        else:
            conditions = [person.name == query, person.name.startswith(query), pinyin == name_keys(query)[0]]
        return next((n for n, met in enumerate(conditions) if met), None)

    ranked = sorted((tier(p), p.name, p.pk) for p in people if tier(p) is not None)
    return [name for _, name, _ in ranked[:limit]]


def test_the_box_ranks_exactly_as_asking_tier_by_tier_whatever_the_limit(make_person, persona):
    from yizhan.people.selectors import search_people_brief

    people = [make_person(name=name) for name in TIERED]
    make_person(name="张华", village="320583400001")  # another township's: never found
    clerk = persona("xinhu_clerk")
    for query in ("zh", "zhang", "zh", "zhm", "z", "张", "张华", "zhanghua"):
        for limit in (1, 2, 3, 4, 5, 20):
            expected = by_tiers(people, query, limit)
            found = search_people(user=clerk, query=query, limit=limit)
            assert names(found) == expected, (query, limit)
            brief = search_people_brief(user=clerk, query=query, limit=limit)
            assert [row["id"] for row in brief] == [p.pk for p in found], (query, limit)


def test_the_full_pinyins_matches_are_not_read_when_the_initials_fill_the_page(make_person, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in TIERED:
        make_person(name=name)
    clerk = persona("xinhu_clerk")

    def registry_reads(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            search_people(user=clerk, query="zh", limit=limit)
        return sum(query["sql"].startswith('SELECT "people_person"') for query in captured)

    # Five have initials starting with zh: 张华 twice, 张华明, 郑慧, 朱红. A sixth needs the full pinyin.
    assert registry_reads(5) == 1
    assert registry_reads(6) == 2
