"""The standard ledgers (台账) superiors ask for: one table of what each one is.

A ledger is a name (Chinese, and a slug for URLs and the command line), a scoped read
`rows(user, region, year)` and its columns. Every read starts from a selector that scopes by
jurisdiction (core.scopes.SCOPES underneath), then narrows to the chosen region: rows out
of the user's scope never reach a file. A column holding a personal number names its mask; the
export applies it unless the exporter may reveal (one place, so no ledger can forget).
"""

from __future__ import annotations

from yizhan.ledgers.exports.columns import Column, Ledger
from yizhan.ledgers.exports.ledgers_armed import MILITIA, PROGRESS, REGISTRATIONS, UNREGISTERED
from yizhan.ledgers.exports.ledgers_benefits import ALLOWANCE, CARDS, MERIT_NOTICES, PLAQUES
from yizhan.ledgers.exports.ledgers_care import VISITS, campaign_ledger
from yizhan.ledgers.exports.ledgers_people import FAMILIES, VETERANS

__all__ = ["LEDGERS", "Column", "Ledger", "campaign_ledger", "find_ledger"]

LEDGERS: dict[str, Ledger] = {
    ledger.slug: ledger
    for ledger in (
        VETERANS,
        FAMILIES,
        REGISTRATIONS,
        UNREGISTERED,
        PROGRESS,
        ALLOWANCE,
        PLAQUES,
        MERIT_NOTICES,
        CARDS,
        VISITS,
        MILITIA,
    )
}


def find_ledger(name: str) -> Ledger | None:
    """By slug or by Chinese name."""
    name = name.strip()
    return LEDGERS.get(name) or next((ledger for ledger in LEDGERS.values() if ledger.name == name), None)
