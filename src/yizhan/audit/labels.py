"""THE registry of Chinese names for audit actions and the kinds of object they touch.

Each app names its own actions in `<app>/audit_labels.py` (`ACTIONS`, and `OBJECTS` for the
object types it records); `AuditConfig.ready` reads every installed app's module once at start,
so the audit layer shows every app's actions without importing any app above it. The person's
timeline and the audit viewer (desk/) both ask `action_label`. tests/audit/test_labels.py fails for an
action recorded anywhere in src/ that has no label here.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

ACTIONS: dict[str, str] = {}
OBJECTS: dict[str, str] = {}


def _merge(table: dict[str, str], labels: dict[str, str], app: str) -> None:
    # One name per code: two apps naming the same code is a mistake worth failing on at start.
    for code, label in labels.items():
        if code in table:
            raise ImproperlyConfigured(f"审计操作 {code} 已有名称，{app} 不能再命名一次。")
        table[code] = str(label)


def load() -> None:
    """Reads `audit_labels` of every installed app (called once from AuditConfig.ready)."""
    ACTIONS.clear()
    OBJECTS.clear()
    for config in apps.get_app_configs():
        name = f"{config.name}.audit_labels"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        _merge(ACTIONS, getattr(module, "ACTIONS", {}), config.label)
        _merge(OBJECTS, getattr(module, "OBJECTS", {}), config.label)


def action_label(action: str) -> str:
    # An unnamed action shows as it is: the page crawl (tests/e2e/test_chinese.py) then names it.
    if action.startswith(("correction.", "withdrawal.")):  # desk/corrections.py: one per fact kind
        return "更正记录" if action.startswith("correction.") else "撤销记录"
    return ACTIONS.get(action, action)


def object_label(object_type: str) -> str:
    return OBJECTS.get(object_type, object_type)
