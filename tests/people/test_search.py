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
