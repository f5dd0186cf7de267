"""A hot query compiled once per shape and run again with new words (yizhan/statements.py): it
answers what a fresh compile answers, never across two scopes, and refuses words it cannot
put in place safely."""

from __future__ import annotations

from yizhan.people import selectors
from yizhan.people.models import Person
from yizhan.statements import PLACEHOLDER, Statements


def test_a_reused_search_answers_what_a_fresh_compile_answers(make_person, persona):
    for name in ["商春旺", "商春", "沈长伟", "孙春旺", "单纯"]:
        make_person(name=name)
    clerk = persona("xinhu_clerk")
    for query in ["scw", "sc", "SC", "shang", "s", "zz"]:
        fresh = selectors.search_people(user=clerk, query=query, limit=20)
        reused = selectors.search_people_brief(user=clerk, query=query, limit=20)
        assert [row["id"] for row in reused] == [p.pk for p in fresh], query
        assert [row["birth_date"] for row in reused] == [p.birth_date for p in fresh]


def test_two_scopes_never_share_a_compiled_search(make_person, persona):
    ours = make_person(name="商春旺")
    theirs = make_person(name="商春旺", village="320583400001")
    assert [r["id"] for r in selectors.search_people_brief(user=persona("xinhu_clerk"), query="scw")] == [
        ours.pk
    ]
    assert [r["id"] for r in selectors.search_people_brief(user=persona("huaqiao_clerk"), query="scw")] == [
        theirs.pk
    ]


def test_a_word_that_is_not_plain_letters_or_digits_is_compiled_afresh(db):
    statements = Statements()

    def build(word):
        return Person.objects.filter(name_initials=word).values_list("pk")

    assert statements.rows("k", "a%b", build) is None
    assert statements.rows("k", "a_b", build) is None
    assert statements.rows("k", "ab", build) == []


def test_a_shape_that_does_not_keep_the_word_as_a_parameter_is_not_reused(db):
    statements = Statements()
    assert statements.rows("k", "ab", lambda word: Person.objects.values_list("pk")) is None
    assert PLACEHOLDER.isalpha()
