"""Layers import only downward (DESIGN.md): an app may import from its own layer or below. Every
import in src/yizhan is read — module level and inside functions alike, since a deferred import is
still a dependency — and one that reaches up fails. No two apps import each other, in any layer:
a circle means neither can be understood, tested or moved without the other."""

from __future__ import annotations

import ast
from pathlib import Path

import yizhan

SRC = Path(yizhan.__file__).parent

# Lowest first (DESIGN.md "Layers"). Top-level modules count as the layer that composes them.
LAYERS = [
    {"regions", "config", "text", "statements", "bulk", "accounts", "audit", "core", "formats"},
    {"people", "worklist"},
    {"lifecycle"},
    {"conscription", "veterans", "benefits", "care", "hall", "militia", "station"},
    {"ledgers", "reports", "api"},
    {"desk", "system", "settings", "urls", "wsgi", "cli"},
]
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}

# (importing file, imported app): upward imports kept on purpose. Nothing below the top layer may
# be listed; the top layer never needs to be (nothing is above it).
BY_DESIGN: set[tuple[str, str]] = set()
# Upward imports waiting to be moved up. Empty since desk/ took them over (#11): keep it so.
KNOWN_UPWARD: set[tuple[str, str]] = set()


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


def imports() -> set[tuple[str, str]]:
    """(importing file, imported app) for every import of another app."""
    found = set()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts:  # migrations name other apps by string, not by import
            continue
        importer = app_of(relative)
        found |= {(relative.as_posix(), app) for app in imported_apps(path) if app != importer}
    return found


def upward_imports() -> set[tuple[str, str]]:
    return {(file, app) for file, app in imports() if LAYER_OF[app] > LAYER_OF[app_of(Path(file))]}


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


def test_nothing_below_the_top_layer_is_excused():
    top = len(LAYERS) - 1
    excused = {file for file, _ in BY_DESIGN | KNOWN_UPWARD if LAYER_OF[app_of(Path(file))] < top}
    assert not excused, f"move these up instead of excusing them: {sorted(excused)}"


def test_no_apps_import_each_other_in_a_circle():
    # Within a layer as well as across: a → b → … → a means none of them can be understood,
    # tested or moved without the others.
    edges: dict[str, set[str]] = {}
    for file, app in imports():
        edges.setdefault(app_of(Path(file)), set()).add(app)

    def path_back(start: str) -> list[str] | None:
        """The shortest import chain from `start` back to itself, if any (breadth first)."""
        came_from: dict[str, str] = {}
        queue = [start]
        while queue:
            node = queue.pop(0)
            for nxt in sorted(edges.get(node, ())):
                if nxt == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(came_from[chain[-1]])
                    return [*reversed(chain), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    queue.append(nxt)
        return None

    circles = {" → ".join(c) for app in sorted(edges) if (c := path_back(app))}
    assert not circles, "apps importing each other in a circle:\n" + "\n".join(sorted(circles))
