"""Who writes the audit trail. Services do, never views (DESIGN.md: services for writes): a view
that writes its own audit row is a write no service table checks. And every module that writes
it is in the audited-once table (test_audited_once.SERVICE_MODULES), or listed below with where
its rows are checked instead — a list that may only shrink."""

from __future__ import annotations

import ast
from pathlib import Path

import yizhan
from tests.audit.test_audited_once import SERVICE_MODULES

WRITERS = {"record", "record_many", "append_events"}

# Audit writers checked elsewhere than the audited-once table, and where.
CHECKED_ELSEWHERE = {
    "yizhan.accounts.sessions": "the login trail: tests/accounts/test_sessions.py",
    "yizhan.accounts.signals": "the login trail: tests/accounts/test_sessions.py",
    "yizhan.benefits.demo": "the demo seed: tests/test_demo_data.py",
    "yizhan.conscription.demo": "the demo seed: tests/test_demo_data.py",
    "yizhan.people.demo": "the demo seed: tests/test_demo_data.py",
    "yizhan.care.campaigns": "tests/care (campaigns and visits)",
    "yizhan.care.generation": "tests/care (one task and one audit row a household)",
    "yizhan.hall.case_services": "tests/hall_cases",
    "yizhan.ledgers.exports.runs": "tests/ledgers (export runs)",
    "yizhan.ledgers.exports.service": "tests/ledgers (exports)",
    "yizhan.ledgers.importing.engine": "tests/ledgers (one audit row a person and a row result)",
    "yizhan.ledgers.importing.services": "tests/ledgers (import runs)",
    "yizhan.ledgers.importing.undo": "tests/ledgers (undo)",
    "yizhan.lifecycle.management.commands.tick": "tests/lifecycle (tick)",
    "yizhan.people.management.commands.rotate_keys": "tests/people (key rotation)",
    "yizhan.veterans.effects": "a rule effect, counted with the facts that set it off in the table",
}


def audit_writers() -> set[str]:
    """Every module of yizhan, outside the audit app, that imports a function appending audit rows."""
    root = Path(yizhan.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        module = ".".join(("yizhan", *path.relative_to(root).with_suffix("").parts))
        if module.startswith("yizhan.audit"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            names = {alias.name for alias in node.names}
            if (node.module == "yizhan.audit.services" and names & WRITERS) or (
                node.module == "yizhan.audit" and "services" in names
            ):
                found.add(module)
    return found


def test_no_view_writes_the_audit_itself():
    views = {m for m in audit_writers() if any(part.startswith("views") for part in m.split("."))}
    assert views == set()


def test_every_audit_writer_is_in_the_audited_once_table_or_says_where_it_is_checked():
    writers = audit_writers()
    assert writers - set(SERVICE_MODULES) - set(CHECKED_ELSEWHERE) == set()
    assert set(CHECKED_ELSEWHERE) <= writers  # no stale names
    assert not set(CHECKED_ELSEWHERE) & set(SERVICE_MODULES)
