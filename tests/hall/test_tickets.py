import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.hall.conftest import XINHU
from yizhan.audit.models import AuditEvent
from yizhan.core.flow import TransitionError
from yizhan.hall import services
from yizhan.hall.models import Channel, PriorityReason, TicketState
from yizhan.people.models import IdentityKind
from yizhan.people.services import grant_identity
from yizhan.regions.models import Region

pytestmark = pytest.mark.django_db


def issue(item, name, **more):
    return services.issue_ticket(
        actor=None, station=Region.objects.get(code=XINHU), item=item(name), channel=Channel.KIOSK, **more
    )


def test_tickets_are_numbered_by_their_windows_prefix_each_day(halls, item):
    first = issue(item, "优待证申领")
    second = issue(item, "退役报到、预备役登记")
    other = issue(item, "兵役登记")
    assert (first.number, second.number, other.number) == ("C001", "C002", "A001")
    assert first.window.number == 3 and first.state == TicketState.WAITING


def test_an_item_no_window_serves_is_refused_in_chinese(halls, item, window):
    window(3).items.clear()
    with pytest.raises(ValidationError, match="暂无受理"):
        issue(item, "优待证申领")


def test_the_visitors_number_and_phone_are_kept_encrypted_and_shown_masked(halls, item, make_person):
    person = make_person(name="商春旺", village="371402001001")
    ticket = issue(item, "优待证申领", id_number=person.id_number, phone="13800002222")
    assert ticket.person == person
    assert person.id_number not in ticket.id_number_enc and "13800002222" not in ticket.phone_enc
    assert ticket.phone_masked == "138****2222" and ticket.id_number_masked.startswith("371402********")
    assert ticket.name_masked == "商*旺"


def test_a_person_of_another_station_is_not_linked_to_this_halls_ticket(halls, item, make_person):
    stranger = make_person(name="钱外乡", village="320583400001")
    ticket = issue(item, "优待证申领", id_number=stranger.id_number)
    assert ticket.person is None and ticket.id_number == stranger.id_number


def test_a_wrong_id_number_is_refused_beside_the_field(halls, item):
    with pytest.raises(ValidationError) as caught:
        issue(item, "优待证申领", id_number="12345")
    assert "18 位" in caught.value.message_dict["id_number"][0]


def test_the_elderly_by_the_set_age_go_in_the_priority_line(halls, item, make_person, county_sets):
    old = make_person(name="老战士", born=datetime.date(1940, 3, 1))
    assert issue(item, "优待证申领", id_number=old.id_number).priority_reason == PriorityReason.ELDERLY
    seventy = make_person(name="七十岁", born=datetime.date(1955, 3, 1))
    assert not issue(item, "优待证申领", id_number=seventy.id_number).priority
    county_sets("hall.priority_age", 70)
    assert issue(item, "优待证申领", id_number=seventy.id_number).priority


def test_military_families_and_the_disabled_go_in_the_priority_line(halls, item, make_person):
    mother = make_person(name="军属甲", sex="F", born=datetime.date(1970, 1, 1))
    grant_identity(
        actor=None,
        person=mother,
        kind=IdentityKind.MILITARY_FAMILY,
        since=datetime.date(2024, 9, 1),
        source="manual",
    )
    assert issue(item, "优待证申领", id_number=mother.id_number).priority_reason == PriorityReason.ENTITLED
    assert issue(item, "优待证申领", disabled=True).priority_reason == PriorityReason.DISABLED
    assert not issue(item, "优待证申领").priority


def test_a_ticket_issue_is_audited_once_without_the_visitors_number(halls, item, make_person):
    person = make_person(name="商春旺")
    ticket = issue(item, "优待证申领", id_number=person.id_number)
    events = AuditEvent.objects.filter(action="hall.ticket.issue", object_id=str(ticket.pk))
    assert events.count() == 1
    assert person.id_number not in str(events.get().changes)


def test_a_clerk_calls_only_at_the_window_he_signed_in_to(halls, item, window, persona):
    clerk = persona("xinhu_clerk")
    issue(item, "优待证申领")
    with pytest.raises(PermissionDenied, match="请先签到"):
        services.call_next(actor=clerk, window=window(3))
    services.sign_in(actor=clerk, window=window(3))
    assert services.call_next(actor=clerk, window=window(3)).number == "C001"


def test_signing_in_to_another_window_signs_out_of_the_first(halls, window, persona):
    clerk = persona("xinhu_clerk")
    services.sign_in(actor=clerk, window=window(3))
    services.sign_in(actor=clerk, window=window(4))
    today = datetime.date.today()
    assert not services.signed_in(clerk=clerk, window=window(3), day=today)
    assert services.signed_in(clerk=clerk, window=window(4), day=today)


def test_call_next_takes_the_priority_line_first_then_first_come(halls, item, window, persona, make_person):
    clerk = persona("xinhu_clerk")
    services.sign_in(actor=clerk, window=window(3))
    issue(item, "优待证申领")
    issue(item, "优待证申领")
    issue(item, "优待证申领", disabled=True)
    called = [services.call_next(actor=clerk, window=window(3)).number for _ in range(3)]
    assert called == ["C003", "C001", "C002"]
    assert services.call_next(actor=clerk, window=window(3)) is None


def test_a_no_show_needs_the_set_number_of_calls(halls, item, window, persona):
    clerk = persona("xinhu_clerk")
    services.sign_in(actor=clerk, window=window(3))
    issue(item, "优待证申领")
    ticket = services.call_next(actor=clerk, window=window(3))
    with pytest.raises(ValidationError, match="叫满 3 次"):
        services.mark_no_show(actor=clerk, ticket=ticket)
    services.recall(actor=clerk, ticket=ticket)
    ticket = services.recall(actor=clerk, ticket=ticket)
    assert ticket.call_count == 3
    assert services.mark_no_show(actor=clerk, ticket=ticket).state == TicketState.NO_SHOW


def test_a_called_ticket_is_served_and_finished_with_its_times(halls, item, window, persona):
    clerk = persona("xinhu_clerk")
    services.sign_in(actor=clerk, window=window(3))
    issue(item, "优待证申领")
    ticket = services.call_next(actor=clerk, window=window(3))
    ticket = services.start_service(actor=clerk, ticket=ticket)
    ticket = services.finish_service(actor=clerk, ticket=ticket)
    assert ticket.state == TicketState.DONE
    assert ticket.issued_at <= ticket.called_at <= ticket.started_at <= ticket.finished_at
    with pytest.raises(TransitionError, match="已无后续"):
        services.recall(actor=clerk, ticket=ticket)


def test_a_transfer_keeps_the_number_and_the_place_with_a_note(halls, item, window, persona):
    clerk, head = persona("xinhu_clerk"), persona("xinhu_head")
    services.sign_in(actor=clerk, window=window(3))
    services.sign_in(actor=head, window=window(4))
    issue(item, "优待证申领")
    ticket = services.call_next(actor=clerk, window=window(3))
    with pytest.raises(ValidationError) as caught:
        services.transfer(actor=clerk, ticket=ticket, to_window=window(4), note=" ")
    assert "note" in caught.value.message_dict
    issue(item, "入伍礼包发放")  # D001, queued after C001
    moved = services.transfer(actor=clerk, ticket=ticket, to_window=window(4), note="还需领取入伍礼包")
    assert moved.number == "C001" and moved.transferred_from.state == TicketState.TRANSFERRED
    assert services.call_next(actor=head, window=window(4)).pk == moved.pk


def test_a_window_of_another_station_is_not_a_transfer_target(halls, item, window, persona):
    clerk = persona("xinhu_clerk")
    services.sign_in(actor=clerk, window=window(3))
    issue(item, "优待证申领")
    ticket = services.call_next(actor=clerk, window=window(3))
    with pytest.raises(ValidationError, match="本站"):
        services.transfer(actor=clerk, ticket=ticket, to_window=window(4, "320583400000"), note="转")


def test_a_county_that_sets_fewer_calls_allows_the_no_show_sooner(halls, item, window, persona, county_sets):
    county_sets("hall.no_show_calls", 1)
    clerk = persona("xinhu_clerk")
    services.sign_in(actor=clerk, window=window(3))
    issue(item, "优待证申领")
    ticket = services.call_next(actor=clerk, window=window(3))
    assert services.mark_no_show(actor=clerk, ticket=ticket).state == TicketState.NO_SHOW
