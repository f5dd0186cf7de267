import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from yizhan.audit.models import AppendOnlyError, AuditEvent
from yizhan.audit.services import GENESIS, first_broken_link, record


def test_each_event_links_to_the_one_before(db):
    first = record(actor=None, action="test.one")
    second = record(actor=None, action="test.two", changes={"字段": ["旧", "新"]})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert first_broken_link() is None


def test_audit_verify_passes_on_an_intact_chain_and_names_the_first_altered_row(db, capsys):
    events = [record(actor=None, action=f"test.{i}") for i in range(5)]
    call_command("audit_verify")
    assert "审计链完整：共 5 条" in capsys.readouterr().out

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["篡改", events[2].pk])
    with pytest.raises(CommandError, match=f"第 {events[2].pk} 条断裂"):
        call_command("audit_verify")


def test_a_deleted_row_breaks_the_chain_at_the_next_one(db):
    events = [record(actor=None, action=f"test.{i}") for i in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert first_broken_link().pk == events[2].pk


def test_the_app_offers_no_way_to_change_or_delete_an_event(db):
    event = record(actor=None, action="test")
    event.reason = "改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_login_and_failed_login_are_audited_with_the_address(world, client):
    client.post(
        reverse("accounts:login"),
        {"username": "xinhu_clerk", "password": "wrong-password"},
        REMOTE_ADDR="10.1.2.3",
    )
    failed = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert failed.changes == {"username": "xinhu_clerk"}
    assert failed.ip == "10.1.2.3"
    assert "wrong-password" not in str(failed.changes)

    response = client.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": "yizhan-demo"})
    assert response.status_code == 302
    login = AuditEvent.objects.filter(action="login").latest("id")
    assert login.actor_name == "韩晓东"
    assert "新湖街道" in login.post


def test_a_batch_append_chains_its_events_in_a_bulk_insert_after_the_last_single_one(db):
    from django.test.utils import CaptureQueriesContext

    from yizhan.audit.services import record_many

    before = record(actor=None, action="test.before")
    with CaptureQueriesContext(connection) as queries:
        batch = record_many(
            [{"actor": None, "action": f"test.batch.{i}", "object_id": i} for i in range(300)]
        )
    after = record(actor=None, action="test.after")

    inserts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    # One statement per batch (SQLite splits it by its limit on bound parameters), not per event.
    assert len(inserts) <= 300 // 50
    assert batch[0].prev_hash == before.hash and after.prev_hash == batch[-1].hash
    assert [
        e.object_id for e in AuditEvent.objects.filter(action__startswith="test.batch").order_by("id")
    ] == [str(i) for i in range(300)]
    assert first_broken_link() is None
    assert record_many([]) == []
