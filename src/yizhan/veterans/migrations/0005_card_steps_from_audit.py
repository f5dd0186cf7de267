"""The cards accepted before their steps were kept get their history back from the audit trail,
which has every step: "card.<status>" with the card and the day of the step (受理's day is the
card's accepted_on), and "withdrawal.card_step" when the last step was withdrawn (it names the
person, so it is the step of his card that moved last). A card whose replay does not end where the
card stands (rows written around the services) gets only its current stay, from the day known for
it: what the trail does not say is not guessed, and it adds nothing to an average."""

import datetime

from django.db import migrations
from django.db.models import Q


def _withdraw(stays: list[dict]) -> None:
    current = [s for s in stays if not s["withdrawn"] and s["left_on"] is None]
    if not current:
        return
    current[-1]["withdrawn"] = True
    ended = [s for s in stays if not s["withdrawn"]]
    if ended:
        ended[-1]["left_on"] = None


def _enter(stays: list[dict], status: str, on: datetime.date) -> None:
    for stay in stays:
        if not stay["withdrawn"] and stay["left_on"] is None:
            stay["left_on"] = on
    stays.append({"status": status, "entered_on": on, "left_on": None, "withdrawn": False})


def _consistent(stays: list[dict], card) -> bool:
    current = [s for s in stays if not s["withdrawn"] and s["left_on"] is None]
    return (
        bool(stays)
        and stays[0]["status"] == "accepted"
        and len(current) == 1
        and current[0]["status"] == card.status
        and all(s["left_on"] is None or s["left_on"] >= s["entered_on"] for s in stays)
    )


def backfill(apps, schema_editor):
    Card = apps.get_model("veterans", "PreferentialCard")
    CardStep = apps.get_model("veterans", "CardStep")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    cards = {card.pk: card for card in Card.objects.all()}
    if not cards:
        return
    history: dict[int, list[dict]] = {}
    moved_last: dict[str, int] = {}  # person id → the card of his that took the last step
    trail = (
        AuditEvent.objects.filter(object_type="person")
        .filter(Q(action__startswith="card.") | Q(action="withdrawal.card_step"))
        .order_by("pk")
        .values_list("action", "object_id", "changes")
    )
    for action, person_id, changes in trail.iterator():
        if action == "withdrawal.card_step":
            if person_id in moved_last:
                _withdraw(history[moved_last[person_id]])
            continue
        card = cards.get((changes or {}).get("card"))
        if card is None:
            continue
        on = datetime.date.fromisoformat(changes["on"]) if "on" in changes else card.accepted_on
        _enter(history.setdefault(card.pk, []), action.removeprefix("card."), on)
        moved_last[person_id] = card.pk
    rows = []
    for pk, card in cards.items():
        stays = history.get(pk, [])
        if not _consistent(stays, card):
            known = card.issued_on if card.status == "issued" and card.issued_on else card.accepted_on
            stays = [{"status": card.status, "entered_on": known, "left_on": None, "withdrawn": False}]
        for s in stays:
            days = (s["left_on"] - s["entered_on"]).days if s["left_on"] else None
            rows.append(CardStep(card_id=pk, days=days, **s))
    CardStep.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("veterans", "0004_card_steps"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
