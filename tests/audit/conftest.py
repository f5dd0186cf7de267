"""The audited-once tables' machinery: run a service call, compare the audit rows it left with
the table's expectation, and collect every difference so one run shows the whole table."""

from __future__ import annotations

from collections import Counter

import pytest

from yizhan.audit.models import AuditEvent


def audited(call) -> tuple[object, Counter]:
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = call()
    rows = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    return result, Counter(row.action for row in rows), rows


def identical(rows) -> list[str]:
    """Rows that say the same thing about the same object: the signature of a double write."""
    seen = Counter((r.action, r.object_type, r.object_id, repr(sorted(r.changes.items()))) for r in rows)
    return [key[0] for key, n in seen.items() if n > 1]


class Steps:
    """Runs steps and collects every difference, so one run shows the whole table's state."""

    def __init__(self):
        self.problems: list[str] = []
        self.observed: dict[str, dict] = {}

    def run(self, name: str, expected: dict[str, int], call):
        from tests.audit.test_audited_once import COVERED

        assert name.split()[0] in COVERED, f"{name}: add it to COVERED"
        result, counts, rows = audited(call)
        self.observed[name] = dict(counts)
        if dict(counts) != expected:
            self.problems.append(f"{name}: expected {expected}, wrote {dict(counts)}")
        if identical(rows):
            self.problems.append(f"{name}: the same row twice: {identical(rows)}")
        return result

    def check(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def steps():
    return Steps()
