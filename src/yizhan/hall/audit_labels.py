"""Chinese names of the hall's audit actions (read by yizhan.audit.labels)."""

from yizhan.hall.case_audit_labels import ACTIONS, OBJECTS  # noqa: F401 — the 办件 actions
