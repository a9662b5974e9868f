"""Who an alert was sent to: the people behind every delivered notification that carried it."""

from __future__ import annotations

from collections.abc import Iterable

from alerts.delivery import DeliveryRecord
from alerts.roster import Roster


def recipients(records: Iterable[DeliveryRecord], roster: Roster, alert_id: str) -> set[str]:
    """Roster ids of people who got the alert (a group's message reaches its members)."""
    people: set[str] = set()
    for record in records:
        note = record.notification
        if record.status == "sent" and alert_id in note.alert_ids:
            people |= roster.people_behind(note.receiver)
    return people
