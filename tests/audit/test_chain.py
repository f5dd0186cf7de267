import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yizhan.audit.models import AppendOnlyError, AuditEvent
from yizhan.audit.services import GENESIS, first_broken_link, read_anchor, record, write_anchor


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
        HTTP_USER_AGENT="Mozilla/5.0 test",
    )
    failed = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert failed.changes == {"username": "xinhu_clerk", "user_agent": "Mozilla/5.0 test"}
    assert failed.region_code == "371402001000"  # filed under the account's station
    assert failed.ip == "10.1.2.3"
    assert "wrong-password" not in str(failed.changes)

    response = client.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": "yizhan-demo"})
    assert response.status_code == 302
    login = AuditEvent.objects.filter(action="login").latest("id")
    assert login.actor_name == "韩晓东"
    assert "新湖街道" in login.post


def test_a_batch_append_chains_its_events_in_a_bulk_insert_after_the_last_single_one(
    db, django_capture_on_commit_callbacks
):
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
    with django_capture_on_commit_callbacks(execute=True):
        last = record_many([{"actor": None, "action": "test.anchored"}])[-1]
    call_command("audit_verify")  # the batch's last event is the anchored head
    assert read_anchor() == {"id": last.pk, "hash": last.hash}


def test_events_appended_as_rows_hash_as_compute_hash_does_and_anchor_their_head(
    world, persona, django_capture_on_commit_callbacks
):
    from yizhan.audit.context import client_ip
    from yizhan.audit.services import append_events, canonical_json

    clerk = persona("xinhu_clerk")
    before = record(actor=None, action="test.before")
    changes = [{"fields": {"name": ["", "商春旺"], "note": ['"引号"\\', "é"]}, "version": 1}, {}]
    token = client_ip.set("10.0.0.7")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            head = append_events(
                actor=clerk, action="person.create", object_type="person",
                rows=[(7, "371402001001", canonical_json(changes[0])), ("a b", "", canonical_json(changes[1]))],
            )  # fmt: skip
    finally:
        client_ip.reset(token)
    after = record(actor=None, action="test.after")

    first, second = AuditEvent.objects.filter(action="person.create").order_by("id")
    assert (first.object_id, first.changes, first.actor, first.ip) == ("7", changes[0], clerk, "10.0.0.7")
    assert "新湖街道" in first.post and first.actor_name == "韩晓东"
    assert [e.hash for e in (first, second)] == [e.compute_hash() for e in (first, second)]
    assert (first.prev_hash, second.prev_hash, after.prev_hash) == (before.hash, first.hash, second.hash)
    assert read_anchor() == {"id": head, "hash": second.hash} and head == second.pk
    assert first_broken_link() is None
    assert append_events(actor=None, action="person.create", object_type="person", rows=[]) == 0


def test_audit_verify_notices_a_deleted_tail_through_the_anchor(
    db, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        events = [record(actor=None, action=f"test.{i}") for i in range(4)]
    anchor = json.loads(settings.AUDIT_ANCHOR_PATH.read_text())
    assert anchor == {"id": events[-1].pk, "hash": events[-1].hash}
    assert settings.AUDIT_ANCHOR_PATH.stat().st_mode & 0o777 == 0o600
    call_command("audit_verify")

    with connection.cursor() as cursor:  # what is left is a perfectly linked, shorter chain
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [events[2].pk])
    assert first_broken_link() is None
    with pytest.raises(CommandError, match=f"截断.*第 {events[-1].pk} 条.*只到第 {events[1].pk} 条"):
        call_command("audit_verify")


def test_audit_verify_notices_a_replaced_head(db, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events = [record(actor=None, action=f"test.{i}") for i in range(2)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    forged = record(actor=None, action="test.forged")
    with connection.cursor() as cursor:  # the forger gives his row the old id, linked correctly
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [events[1].pk, forged.pk])
    with pytest.raises(CommandError, match="哈希不符"):
        call_command("audit_verify")


def test_a_rolled_back_event_is_never_anchored_and_an_older_head_never_replaces_a_newer(
    db, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = record(actor=None, action="test.kept")
    with django_capture_on_commit_callbacks(execute=False):  # a transaction that rolls back
        record(actor=None, action="test.rolled_back")
    assert json.loads(settings.AUDIT_ANCHOR_PATH.read_text())["id"] == kept.pk

    write_anchor(event_id=kept.pk - 1, event_hash="older")
    assert json.loads(settings.AUDIT_ANCHOR_PATH.read_text())["id"] == kept.pk


def test_after_a_restore_the_operator_reanchors_at_the_current_head(db, settings, capsys):
    events = [record(actor=None, action=f"test.{i}") for i in range(2)]
    write_anchor(event_id=events[1].pk + 10, event_hash="from before the restore")
    with pytest.raises(CommandError, match="截断"):
        call_command("audit_verify")
    call_command("audit_verify", "--reanchor")
    assert f"已重写锚点：第 {events[1].pk} 条" in capsys.readouterr().out
    call_command("audit_verify")


def _asked_not_to_wait(captured) -> bool:
    return any("synchronous_commit" in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_view_event_on_its_own_commits_without_waiting_for_the_disk_and_leaves_the_anchor():
    durable = record(actor=None, action="test.write")
    with CaptureQueriesContext(connection) as captured:
        viewed = record(actor=None, action="test.view", view=True)
    assert viewed.prev_hash == durable.hash
    assert _asked_not_to_wait(captured) == (connection.vendor == "postgresql")
    expected = durable if connection.vendor == "postgresql" else viewed
    assert read_anchor() == {"id": expected.pk, "hash": expected.hash}
    assert first_broken_link() is None


@pytest.mark.django_db(transaction=True)
def test_a_view_event_inside_a_write_waits_for_the_disk_with_it():
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        record(actor=None, action="test.write")
        record(actor=None, action="test.view", view=True)
    assert not _asked_not_to_wait(captured)
