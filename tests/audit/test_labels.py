"""Every audit action recorded anywhere in src/ has a Chinese name in the one registry
(yizhan.audit.labels, filled from each app's audit_labels.py), and the pages show the name.

The actions are found by reading the source: the `action=` argument of any call, the first
string arguments of any function whose name says audit or record (the apps' private helpers),
and `"action": …` in the dicts handed to record_many. An action built at run time (f"card.{to}")
must have its family in the registry; the families' members are checked against their choices.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.urls import reverse

import yizhan
from yizhan.audit import labels
from yizhan.audit.services import record
from yizhan.lifecycle.models import EventKind
from yizhan.veterans.models import AssistanceStatus, CardStatus

SRC = Path(yizhan.__file__).parent
ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
AUDITING = re.compile(r"audit|record")
DYNAMIC = "…"


def _sources():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _constants() -> dict[str, str]:
    """Module-level string constants by name (an action kept in a constant, e.g. CHECK_ACTION)."""
    found = {}
    for _, tree in _sources():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                        found[target.id] = node.value.value
    return found


def _values(node: ast.expr, constants: dict[str, str]):
    """The action strings an expression can take; a built one as its fixed start + DYNAMIC."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _values(node.body, constants)
        yield from _values(node.orelse, constants)
    elif isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        yield (first.value if isinstance(first, ast.Constant) else "") + DYNAMIC
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from (value + DYNAMIC for value in _values(node.left, constants))
    elif isinstance(node, ast.Name) and node.id in constants:
        yield constants[node.id]


def recorded_actions() -> dict[str, str]:
    """{action: where it is recorded} for every action in src/."""
    constants, found = _constants(), {}
    for path, tree in _sources():
        where = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func).split(".")[-1]
                if name == "add_argument":  # argparse's action="store_true"
                    continue
                candidates += [kw.value for kw in node.keywords if kw.arg == "action"]
                if AUDITING.search(name):
                    candidates += node.args[:3]
            elif isinstance(node, ast.Dict):
                candidates += [
                    v for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value == "action"
                ]  # fmt: skip
            for candidate in candidates:
                for value in _values(candidate, constants):
                    if ACTION.match(value.removesuffix(DYNAMIC).rstrip(".")):
                        found.setdefault(value, f"{where}:{node.lineno}")
    return found


def test_the_source_reading_finds_the_actions_of_every_kind_of_call():
    found = recorded_actions()
    # record(action=…), a private helper's positional action, a dict for record_many, a
    # constant, a conditional and the built families.
    assert {"login", "task.claim", "person.create", "ledger.import.check", "registration_year.update"} <= set(
        found
    )
    assert {"card." + DYNAMIC, "event." + DYNAMIC, "veteran.assistance." + DYNAMIC} <= set(found)


def test_every_action_recorded_in_the_source_has_a_chinese_name():
    missing = []
    for action, where in sorted(recorded_actions().items()):
        if action.endswith(DYNAMIC):
            family = action.removesuffix(DYNAMIC)
            if not any(code.startswith(family) for code in labels.ACTIONS):
                missing.append(f"{family}* ({where})")
        elif action not in labels.ACTIONS:
            missing.append(f"{action} ({where})")
    assert not missing, "name these audit actions in <app>/audit_labels.py ACTIONS: " + ", ".join(missing)


def test_every_member_of_a_built_family_has_a_name():
    families = {
        "event.": EventKind.values,
        "card.": CardStatus.values,
        "veteran.assistance.": AssistanceStatus.values,
    }
    for family, members in families.items():
        for member in members:
            assert family + member in labels.ACTIONS, f"name {family}{member} in its app's audit_labels.py"


def test_every_name_is_chinese():
    for code, label in {**labels.ACTIONS, **labels.OBJECTS}.items():
        assert re.search(r"[\u4e00-\u9fff]", label) and not re.search(r"[A-Za-z_]{2,}", label), code


def test_the_audit_viewer_and_the_timeline_show_the_name_not_the_code(login_as, make_person):
    person = make_person(name="商春旺")
    record(actor=None, action="person.reveal", object_type="person", object_id=person.pk,
           region_code=person.region_id)  # fmt: skip
    client = login_as("xinhu_head")
    viewer = client.get(reverse("system:operations")).content.decode()
    assert "查看完整信息" in viewer and "person.reveal" not in viewer.replace('value="person.reveal"', "")
    assert "<td>人员</td>" in viewer and f"<code>{person.pk}</code>" in viewer  # its number as data
    # The old address of the audit viewer still leads there, its filter kept.
    filtered = client.get("/audit/", {"action": "person.reveal"}, follow=True).content.decode()
    assert "查看完整信息" in filtered and 'value="person.reveal" selected' in filtered
    timeline = client.get(f"/people/{person.pk}/").content.decode()
    assert "查看完整信息" in timeline and "person.reveal" not in timeline
