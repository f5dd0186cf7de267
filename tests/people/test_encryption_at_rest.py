"""No plain ID number or phone in the SQLite file or a pg_dump: the bytes at rest, not the ORM."""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from yizhan.audit.models import AuditEvent
from yizhan.core.idnumber import make
from yizhan.people.services import create_person
from yizhan.regions.models import Region

NUMBER = make(area_code="371402", birth_date=datetime.date(1987, 11, 23), sex="M", sequence=123)
PHONE = "13912345678"
NAME = "静态加密验证员"


@pytest.fixture
def person(world):
    return create_person(
        actor=None, name=NAME, id_number=NUMBER, phone=PHONE, region=Region.objects.get(code="371402001001")
    )


def assert_no_plain_values(data: bytes) -> None:
    assert NUMBER.encode() not in data
    assert NUMBER[-12:].encode() not in data  # birth date + sequence + check digit
    assert PHONE.encode() not in data
    # The reads are real: the name, stored in clear, is there.
    assert NAME.encode() in data


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_file_holds_no_plain_id_number_or_phone(person):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    assert_no_plain_values(data)


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_no_plain_id_number_or_phone(person):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump 不在 PATH 中")
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    command = ["pg_dump", "--data-only", "--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [option, str(db[key])]
    dump = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert dump.returncode == 0, dump.stderr.decode(errors="replace")
    assert_no_plain_values(dump.stdout)


@pytest.mark.django_db(transaction=True)
def test_the_audit_trail_of_the_creation_holds_only_masked_values(person):
    event = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))
    fields = event.changes["fields"]
    assert fields["id_number"] == ["", "371402********" + NUMBER[-4:]]
    assert fields["phone"] == ["", "139****5678"]
    text = json.dumps(event.changes, ensure_ascii=False)
    assert NUMBER not in text
    assert NUMBER[-12:] not in text
    assert PHONE not in text
