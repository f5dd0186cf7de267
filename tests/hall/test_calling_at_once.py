"""Two clerks pressing 叫号 at the same instant: real threads, each with its own database
connection, on whichever database the suite runs on (SQLite here, PostgreSQL in CI)."""

import threading

import pytest
from django.db import connection

from tests.hall.conftest import XINHU
from yizhan.hall import services
from yizhan.hall.models import Channel, Ticket, TicketState
from yizhan.regions.models import Region


@pytest.mark.django_db(transaction=True)
def test_two_clerks_calling_at_the_same_instant_get_two_different_tickets(halls, item, window, persona):
    station, offered = Region.objects.get(code=XINHU), item("优待证申领")
    for _ in range(2):
        services.issue_ticket(actor=None, station=station, item=offered, channel=Channel.KIOSK)
    clerks = [persona("xinhu_clerk"), persona("xinhu_head")]
    for clerk in clerks:
        services.sign_in(actor=clerk, window=window(3))
    start, called, failures = threading.Barrier(len(clerks)), [], []

    def press(clerk):
        try:
            start.wait()
            called.append(services.call_next(actor=clerk, window=window(3)).pk)
        except Exception as exc:  # a thread's failure is reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(clerk,)) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(set(called)) == 2
    assert Ticket.objects.filter(state=TicketState.CALLED, call_count=1).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_kiosks_issuing_at_the_same_instant_get_two_numbers(halls, item):
    station, offered = Region.objects.get(code=XINHU), item("优待证申领")
    start, numbers, failures = threading.Barrier(2), [], []

    def take():
        try:
            start.wait()
            numbers.append(
                services.issue_ticket(actor=None, station=station, item=offered, channel=Channel.KIOSK).number
            )
        except Exception as exc:  # a thread's failure is reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(numbers) == ["C001", "C002"]
