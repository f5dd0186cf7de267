"""Layers import only downward (DESIGN.md): an app may import from its own layer or below. Every
import in src/yizhan is read — module level and inside functions alike, since a deferred import is
still a dependency — and one that reaches up fails, unless it is in KNOWN_UPWARD, the debts we
carry until the desk/ top layer (issue #11) takes them over. That list may only shrink."""

from __future__ import annotations

import ast
from pathlib import Path

import yizhan

SRC = Path(yizhan.__file__).parent

# Lowest first (DESIGN.md "Layers"). Top-level modules count as the layer that composes them.
LAYERS = [
    {"regions", "config", "accounts", "audit", "core", "formats"},
    {"people", "worklist"},
    {"lifecycle"},
    {"conscription", "veterans", "benefits", "care", "hall", "militia"},
    {"ledgers", "reports", "api"},
    {"desk", "system", "settings", "urls", "wsgi", "cli"},
]
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}

# lifecycle/rules.py reads each domain app's effects.py by design (DESIGN.md: "Each domain app keeps
# the effects it contributes to the rules table in its own effects.py").
BY_DESIGN = {
    ("lifecycle/rules.py", "benefits"),
    ("lifecycle/rules.py", "conscription"),
    ("lifecycle/rules.py", "veterans"),
}
# (importing file, imported app): upward imports that exist today and wait for desk/ (#11).
KNOWN_UPWARD = {
    ("accounts/services.py", "worklist"),  # a post's end hands its tasks back
    ("core/management/commands/seed_demo.py", "benefits"),
    ("core/management/commands/seed_demo.py", "care"),
    ("core/management/commands/seed_demo.py", "conscription"),
    ("core/management/commands/seed_demo.py", "people"),
    ("core/management/commands/seed_demo.py", "veterans"),
    ("core/views.py", "conscription"),  # the 工作台 and area pages
    ("core/views.py", "worklist"),
    ("people/management/commands/rotate_keys.py", "benefits"),  # bank accounts are encrypted too
    ("people/templatetags/people_tags.py", "benefits"),  # the person page's tabs
    ("people/templatetags/people_tags.py", "lifecycle"),
    ("people/views.py", "care"),
    ("people/views.py", "lifecycle"),
}


def app_of(relative: Path) -> str:
    first = relative.parts[0]
    return first.removesuffix(".py")


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "yizhan" and len(parts) > 1:
                found.add(parts[1])
    return found


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts:  # migrations name other apps by string, not by import
            continue
        importer = app_of(relative)
        for app in imported_apps(path):
            if LAYER_OF[app] > LAYER_OF[importer]:
                found.add((relative.as_posix(), app))
    return found


def test_every_app_is_placed_in_a_layer():
    apps = {app_of(p.relative_to(SRC)) for p in SRC.glob("*") if p.name != "__pycache__"}
    apps -= {"__init__", "templates", "static", "locale"}
    assert apps <= set(LAYER_OF), f"place {sorted(apps - set(LAYER_OF))} in LAYERS"


def test_no_app_imports_from_a_layer_above_it():
    new = upward_imports() - KNOWN_UPWARD - BY_DESIGN
    assert not new, f"imports reaching a higher layer (move the code up, or call down): {sorted(new)}"


def test_the_list_of_known_upward_imports_holds_only_what_still_exists():
    gone = (KNOWN_UPWARD | BY_DESIGN) - upward_imports()
    assert not gone, f"no longer upward — remove from KNOWN_UPWARD: {sorted(gone)}"
