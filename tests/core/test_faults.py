"""Faults with the real parts: the production server (gunicorn) killed mid-request, the database
cut off behind a TCP proxy, and a full disk (a file-size limit on the server process) during an
upload. Each test starts its own gunicorn on the test database."""

from __future__ import annotations

import contextlib
import datetime
import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from tests.core.test_backup import keyring_environment
from tests.ledgers.test_import_crash import database_url
from yizhan.audit.models import AuditEvent
from yizhan.core.idnumber import make
from yizhan.people.models import Document, Person

pytestmark = pytest.mark.django_db(transaction=True)

# Only so that a broken server fails the test instead of hanging it; nothing is timed.
GIVE_UP_SECONDS = 120
CSRF = "k" * 32  # an unmasked CSRF secret: the cookie and the form field carry the same value


class Server:
    def __init__(self, port: int, process: subprocess.Popen, cookies: str, log: Path):
        self.port, self.process, self.cookies, self.log = port, process, cookies, log

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=GIVE_UP_SECONDS)
        headers = {"Cookie": self.cookies, "Host": "127.0.0.1"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def post(self, path: str, fields: dict[str, str], upload: tuple[str, str, bytes] | None = None):
        fields = {**fields, "csrfmiddlewaretoken": CSRF}
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        if upload is not None:
            name, filename, content = upload
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")


@contextlib.contextmanager
def gunicorn(
    tmp_path: Path, user, *, port: int, db_url: str = "", max_file_bytes: int = 0,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:  # fmt: skip
    client = Client()
    client.force_login(user)  # a session row, committed: the server reads it
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"
    environment = {
        **os.environ,
        **keyring_environment(django_settings.YIZHAN_KEYRING),
        **(env or {}),
        "YIZHAN_DATA_DIR": str(tmp_path / "server-data"),
        "SECRET_KEY": django_settings.SECRET_KEY,  # the session made here is signed with it
        "DATABASE_URL": db_url or database_url(),
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2]), *sys.path]),
    }

    def limit_file_size() -> None:
        if max_file_bytes:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    log = tmp_path / f"gunicorn-{port}.log"
    command = [sys.executable, "-m", "gunicorn", "tests.core.served_wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--threads", "2", "--timeout", "300", "--error-logfile", "-"]  # fmt: skip
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, env=environment, stdout=output, stderr=subprocess.STDOUT, preexec_fn=limit_file_size,
            start_new_session=True,
        )  # fmt: skip
    server = Server(port, process, cookies, log)
    try:
        give_up = time.monotonic() + GIVE_UP_SECONDS
        while True:
            with contextlib.suppress(OSError):
                if server.request("GET", "/ping")[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > give_up:
                pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_server_killed_in_the_middle_of_a_write_leaves_no_half_written_record(
    persona, make_person, tmp_path
):  # fmt: skip
    paused = tmp_path / "paused"
    clerk = persona("xinhu_clerk")
    number = make(area_code="371402", birth_date=datetime.date(1999, 5, 1), sex="M", sequence=77)
    fields = {"name": "半途而废", "id_number": number, "sex": "M", "region": "371402001001"}
    with gunicorn(
        tmp_path, clerk, port=8106,
        env={"YIZHAN_TEST_PAUSED": str(paused)},
    ) as server:  # fmt: skip

        def post() -> None:
            with contextlib.suppress(OSError):  # the connection dies with the server
                server.post("/people/new/", fields)

        posting = threading.Thread(target=post)
        posting.daemon = True
        posting.start()
        give_up = time.monotonic() + GIVE_UP_SECONDS
        while not paused.exists():
            assert time.monotonic() < give_up, server.log.read_text()
            assert server.process.poll() is None, server.log.read_text()
            time.sleep(0.02)
        # The person's row is written, its audit row not yet: kill -9 the master and its worker.
        os.killpg(server.process.pid, signal.SIGKILL)
    assert not Person.objects.filter(name="半途而废").exists()
    assert not AuditEvent.objects.filter(action="person.create").exists()
    # The database is whole and writable at once: the dead writer's transaction was rolled back
    # (SQLite: its write lock is gone with it), and the same ID number registers cleanly.
    make_person(name="随后登记")
    assert AuditEvent.objects.filter(action="person.create").count() == 1


class Proxy:
    """A TCP proxy to PostgreSQL that the test can cut (every connection closed, new ones refused)
    and open again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self._serve()

    def _serve(self) -> None:
        listener = self.listener

        def accept() -> None:
            while True:
                try:
                    client, _ = listener.accept()
                except OSError:
                    return
                upstream = socket.create_connection(self.target)
                self.sockets += [client, upstream]
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        # shutdown wakes the blocked accept(); a bare close would leave the port listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def reopen(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self._serve()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite is a file, not a server to cut off")
def test_a_database_cut_off_for_a_moment_gives_a_chinese_503_and_recovers_by_itself(persona, tmp_path):
    db = connection.settings_dict
    proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    through_proxy = re.sub(r"@[^/]+/", f"@127.0.0.1:{proxy.port}/", database_url())
    with gunicorn(tmp_path, persona("xinhu_clerk"), port=8107, db_url=through_proxy) as server:
        assert server.request("GET", "/people/")[0] == 200
        proxy.cut()
        status, page = server.request("GET", "/people/")
        assert status == 503 and "数据库暂时无法连接" in page and "Traceback" not in page
        proxy.reopen()
        status, page = server.request("GET", "/people/")
        assert status == 200, page
    proxy.cut()


def test_a_full_disk_during_an_upload_gives_a_chinese_error_and_stores_nothing(
    persona, make_person, tmp_path
):
    person = make_person(name="商春旺")
    # The limit lies above what the server rewrites of the database (SQLite's file and journal),
    # below the upload: the upload is the write that meets the full disk.
    existing = [Path(f"{connection.settings_dict['NAME']}{s}") for s in ("", "-wal")]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    floor = max([p.stat().st_size for p in existing if p.exists()] if connection.vendor == "sqlite" else [0])
    limit = floor + (1 << 20)
    scan = b"%PDF-1.4\n" + os.urandom(limit + (512 << 10))
    with gunicorn(tmp_path, persona("xinhu_clerk"), port=8108, max_file_bytes=limit) as server:
        status, page = server.post(
            f"/people/{person.pk}/documents/",
            {"kind": "other", "title": "扫描件"},
            ("file", "scan.pdf", scan),
        )
        assert server.request("GET", "/ping")[0] == 200, "the server lives on"
    assert status == 507, server.log.read_text()[-3000:]
    assert status == 507 and "磁盘空间已满" in page and "文件没有保存" in page, page[:2000]
    assert not Document.objects.exists()
    stored = [p for p in (tmp_path / "server-data").rglob("*") if p.is_file() and "documents" in p.parts]
    assert stored == [], "no half-written file"
