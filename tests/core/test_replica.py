"""Reports on the replica, writes never: core.replica.reads() and the router. The first tests run in
every pass; the rest need a real hot standby (DATABASE_REPLICA_URL, started by
scripts/pg_standby.sh in .ci/run) and are skipped without one."""

from __future__ import annotations

import pytest
from django.db import connections, transaction

from tests.ledgers import test_export_background as exports
from yizhan.core import replica
from yizhan.ledgers.jobs import work
from yizhan.ledgers.models import ExportRun, ExportStatus
from yizhan.people.models import Person

townships = exports.townships
background = exports.background
needs_standby = pytest.mark.skipif(not replica.configured(), reason="no DATABASE_REPLICA_URL (a hot standby)")


def test_without_a_replica_a_report_reads_the_primary(db):
    if replica.configured():
        pytest.skip("a replica is configured")
    with replica.reads() as alias:
        assert alias == "default"


def test_writes_and_migrations_never_go_to_the_replica():
    router = replica.PrimaryReplicaRouter()
    token = replica._reading_replica.set(True)
    try:
        assert router.db_for_write(Person) == "default"
    finally:
        replica._reading_replica.reset(token)
    assert router.allow_migrate("replica", "people") is False
    assert router.allow_migrate("default", "people") is True


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestOnAHotStandby:
    def test_a_report_reads_the_standby_and_sees_the_write_just_committed(self, make_person):
        assert in_recovery("replica") and not in_recovery("default")
        person = make_person(name="商春旺")
        with replica.reads() as alias:
            assert alias == "replica"
            found = Person.objects.get(pk=person.pk)
        assert found._state.db == "replica" and found.name == "商春旺"

    def test_a_row_read_on_the_standby_is_saved_on_the_primary(self, make_person):
        person = make_person(name="商春旺")
        with replica.reads():
            found = Person.objects.get(pk=person.pk)
            found.name = "商春望"
            found.save(update_fields=["name"])  # the standby would refuse it: read-only
        assert Person.objects.using("default").get(pk=person.pk).name == "商春望"

    def test_a_read_inside_a_write_transaction_stays_on_the_primary(self, make_person):
        with transaction.atomic():
            person = make_person(name="商春旺")
            with replica.reads() as alias:
                assert alias == "default"
                assert Person.objects.filter(pk=person.pk).exists(), "its own uncommitted row"

    def test_a_standby_that_does_not_catch_up_leaves_the_report_on_the_primary(self, make_person):
        standby = connections["replica"]
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_pause()")
        try:
            person = make_person(name="商春旺")
            with replica.reads(wait=0.2) as alias:
                assert alias == "default"
                assert Person.objects.filter(pk=person.pk).exists()
        finally:
            with standby.cursor() as cursor:
                cursor.execute("SELECT pg_wal_replay_resume()")
        with replica.reads() as alias:
            assert alias == "replica" and Person.objects.filter(pk=person.pk).exists()

    def test_a_large_export_is_read_from_the_standby(self, townships, login_as, background, monkeypatch):
        chosen = []
        route = replica.PrimaryReplicaRouter.db_for_read

        def recorded(router, model, **hints):
            chosen.append(route(router, model, **hints))
            return chosen[-1]

        monkeypatch.setattr(replica.PrimaryReplicaRouter, "db_for_read", recorded)
        exports.post_export(login_as("xinhu_clerk"), full=True)
        assert work(once=True) == 1
        run = ExportRun.objects.get()
        assert run.status == ExportStatus.DONE and run.done == 2, run.failure
        assert "replica" in chosen, "the roster's rows came from the standby"
