"""Every audit row about a person is written by one helper, people.services.audit_person: the
timeline, the audit viewer and the ledger import's undo all find a person's rows by the shape it
gives them (object_type "person", his id, his region)."""

import ast
from pathlib import Path

import yizhan

SRC = Path(yizhan.__file__).parent


def test_no_module_but_people_services_writes_a_person_audit_row_itself():
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path == SRC / "people" / "services.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
                "record",
                "audit",
            }:
                kinds = [k.value for k in node.keywords if k.arg == "object_type"]
                if any(isinstance(k, ast.Constant) and k.value == "person" for k in kinds):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, f"use people.services.audit_person: {found}"


def test_the_helper_files_the_row_on_the_person_under_his_region_or_the_one_given(make_person):
    from yizhan.people.services import audit_person

    person = make_person(name="商春旺")
    own = audit_person(None, "print", person, {"form": "x"}, reason="核对")
    kept = audit_person(None, "print", person, region_code="371402001")
    assert (own.object_type, own.object_id, own.region_code) == ("person", str(person.pk), person.region_id)
    assert (own.changes, own.reason) == ({"form": "x"}, "核对")
    assert kept.region_code == "371402001" and kept.changes == {}
