"""Opening next year's roster from this year's: the members still eligible are carried in their
unit, category and post (the rules checked again, each join audited), the ineligible are listed
with their reason and not carried — and leave the militia, their 民兵 identity ended."""

import datetime

from tests.militia.conftest import DAY, YEAR, born_aged
from yizhan.audit.models import AuditEvent
from yizhan.militia import selectors, services
from yizhan.militia.models import Category, Membership, MilitiaPost
from yizhan.people.models import Identity, IdentityKind

LAST = YEAR - 1
LAST_DAY = datetime.date(LAST, 1, 5)  # last year's roster, drawn up at its start


def on_last_years_roster(person, unit, category=Category.ORDINARY, **extra):
    return services.join(
        actor=None, person=person, unit=unit, year=LAST, category=category, joined_on=LAST_DAY, **extra
    )


def test_the_eligible_are_carried_and_the_ineligible_listed_with_their_reason(
    company, make_person, veteran_of, persona
):
    young = on_last_years_roster(make_person(name="青年甲", born=born_aged(22)), company)
    leader = on_last_years_roster(
        veteran_of("退役乙", 27), company, Category.BACKBONE, post=MilitiaPost.COMMANDER
    )
    aged_out = on_last_years_roster(make_person(name="超龄丙", born=born_aged(36)), company)
    backbone_past_28 = on_last_years_roster(veteran_of("退役丁", 29), company, Category.BACKBONE)
    head = persona("xinhu_head")
    plan = selectors.carry_over(user=head, township=company.township, year=YEAR)
    reasons = {item.membership.person.name: item.reason for item in plan}
    assert reasons["青年甲"] == reasons["退役乙"] == ""
    assert reasons["超龄丙"] == "编入时36周岁，超过普通民兵的年龄上限35周岁，不能编入普通民兵。"
    assert reasons["退役丁"] == "编入时29周岁，超过基干民兵的年龄上限28周岁，不能编入基干民兵。"
    _, refused = services.carry_over(
        actor=head, township=company.township, memberships=[i.membership for i in plan if not i.reason],
        year=YEAR, joined_on=DAY,
    )  # fmt: skip
    assert refused == []
    now = Membership.objects.filter(year=YEAR)
    assert {(m.person_id, m.unit_id, m.category, m.post) for m in now} == {
        (young.person_id, company.pk, Category.ORDINARY, MilitiaPost.MEMBER),
        (leader.person_id, company.pk, Category.BACKBONE, MilitiaPost.COMMANDER),
    }
    assert not now.filter(person__in=[aged_out.person, backbone_past_28.person]).exists()
    assert AuditEvent.objects.filter(action="militia.join", changes__year=YEAR).count() == 2
    # carried once, the others gone from last year's roster: a second carry-over finds no one
    assert selectors.carry_over(user=head, township=company.township, year=YEAR) == []


def is_militia(person) -> bool:
    return person.identities.filter(Identity.current_q(DAY), kind=IdentityKind.MILITIA).exists()


def test_a_member_not_carried_over_leaves_and_loses_his_militia_identity(company, make_person, persona):
    kept = on_last_years_roster(make_person(name="青年甲", born=born_aged(22)), company)
    aged_out = on_last_years_roster(make_person(name="超龄丙", born=born_aged(36)), company)
    not_chosen = on_last_years_roster(make_person(name="未选己", born=born_aged(25)), company)
    assert all(is_militia(m.person) for m in (kept, aged_out, not_chosen))
    services.carry_over(
        actor=persona("xinhu_head"), township=company.township, memberships=[kept], year=YEAR, joined_on=DAY
    )
    assert is_militia(kept.person)
    for gone in (aged_out, not_chosen):
        gone.refresh_from_db()
        assert (gone.left_on, gone.leave_reason) == (DAY, f"未编入{YEAR}年度民兵组织（整组）")
        assert not is_militia(gone.person)
        ended = gone.person.identities.get(kind=IdentityKind.MILITIA)
        assert ended.until == DAY
        assert AuditEvent.objects.filter(action="militia.leave", changes__membership=gone.pk).count() == 1
    kept.refresh_from_db()
    assert kept.left_on is None  # last year's roster still lists him


def test_a_man_carried_once_loses_the_identity_when_left_out_the_year_after(company, make_person, persona):
    head = persona("xinhu_head")
    first = on_last_years_roster(make_person(name="青年甲", born=born_aged(22)), company)
    (carried,), _ = services.carry_over(
        actor=head, township=company.township, memberships=[first], year=YEAR, joined_on=DAY
    )
    services.carry_over(actor=head, township=company.township, memberships=[], year=YEAR + 1, joined_on=DAY)
    carried.refresh_from_db()
    assert carried.left_on == DAY and not is_militia(carried.person)


def test_a_new_member_of_the_year_is_given_the_militia_identity(company, make_person):
    new = make_person(name="新兵庚", born=born_aged(19))
    assert not is_militia(new)
    membership = services.join(
        actor=None, person=new, unit=company, year=YEAR, category=Category.ORDINARY, joined_on=DAY
    )
    identity = new.identities.get(Identity.current_q(DAY), kind=IdentityKind.MILITIA)
    assert (identity.since, identity.source) == (DAY, f"militia:{membership.pk}")


def test_a_member_who_left_last_year_is_not_carried(company, make_person, persona):
    gone = on_last_years_roster(make_person(name="外出戊", born=born_aged(22)), company)
    services.leave(actor=None, membership=gone, left_on=DAY, reason="外出务工")
    assert selectors.carry_over(user=persona("xinhu_head"), township=company.township, year=YEAR) == []


def test_the_carry_over_page_carries_and_shows_who_stayed_behind(company, make_person, login_as):
    on_last_years_roster(make_person(name="青年甲", born=born_aged(22)), company)
    on_last_years_roster(make_person(name="超龄丙", born=born_aged(36)), company)
    client = login_as("xinhu_head")
    page = client.get(f"/militia/carry-over/?year={YEAR}").content.decode()
    assert "青年甲" in page and "不结转：编入时36周岁" in page
    done = client.post(f"/militia/carry-over/?year={YEAR}", {"joined_on": DAY.isoformat()}).content.decode()
    assert "已将 1 名2026年度民兵结转到2027年度花名册" in done and "超龄丙" in done
    roster = client.get(f"/militia/?year={YEAR}").content.decode()
    assert "青年甲" in roster and "超龄丙" not in roster
