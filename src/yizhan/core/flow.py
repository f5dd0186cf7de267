"""Status tables, checked by one function. A table maps each status to where it may go next — a
status, a list of them, or a dict keyed by them (its values say who may make the move) — and
`check_move` refuses every other move with a reason in Chinese, naming the next step(s)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from django.core.exceptions import ValidationError


class TransitionError(ValidationError):
    """A move the table (or a rule beside it) does not allow; the message says why, in Chinese."""

    def __str__(self) -> str:
        return self.message  # the sentence itself, not ValidationError's list repr


def next_steps(table: Mapping[str, str | Collection[str]], current: str) -> list[str]:
    allowed = table.get(current, ())
    return [allowed] if isinstance(allowed, str) else list(allowed)


def check_move(
    table: Mapping[str, str | Collection[str]],
    current: str,
    to: str,
    *,
    label: Callable[[str], str],
    what: str = "",
    verb: str = "转为",
    step: str = "步骤",
) -> None:
    """Raises TransitionError unless `table` allows `current` → `to`: “<what>不能从“A”<verb>“B”：
    下一<step>应为“C”或“D”。” (or “已无后续<step>” at the end of the table)."""
    allowed = next_steps(table, current)
    if to in allowed:
        return
    hint = f"下一{step}应为" + "或".join(f"“{label(s)}”" for s in allowed) if allowed else f"已无后续{step}"
    raise TransitionError(f"{what}不能从“{label(current)}”{verb}“{label(to)}”：{hint}。")
