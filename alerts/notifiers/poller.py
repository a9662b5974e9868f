"""getUpdates long polling: button presses become ack / resolve actions, each press is answered."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.actions import Action, parse_callback
from alerts.notifiers.base import DeliveryError
from alerts.notifiers.telegram import BotApi
from alerts.templates import PRESS_ANSWER, PRESS_FORBIDDEN, PRESS_NOT_RECIPIENT, PRESS_UNKNOWN


@dataclass(frozen=True)
class PollResult:
    actions: list[Action] = field(default_factory=list)
    # Pass back on the next call (persist it: Telegram re-sends updates below it).
    offset: int | None = None
    rejected: int = 0
    # Presses left for the next round: nobody is on record as having received their alert yet.
    deferred: int = 0


# How long a press on a fresh message waits for its delivery to be on record: the worker sends,
# then writes the delivery, and a quick hand can press in between.
PATIENCE = timedelta(seconds=30)


async def poll_actions(
    api: BotApi,
    offset: int | None,
    now: datetime,
    *,
    timeout: int = 25,
    authorize: Callable[[int], str | None],
    recipients: Callable[[str], Collection[str]],
) -> PollResult:
    """One getUpdates round.

    `authorize` maps a Telegram user id to a roster id (None: a stranger); `recipients` gives the
    people an alert was sent to. A press counts only from one of them; others get a refusal.
    A press on a message sent less than PATIENCE ago whose alert has no recipient on record yet
    is left, with the updates after it, for a later round (Telegram sends again what is at or
    above the offset)."""
    updates = await api.get_updates(offset, timeout)
    actions: list[Action] = []
    rejected = 0
    next_offset = offset
    for update in updates:
        query = update.get("callback_query")
        if query and _early(query, now, recipients):
            return PollResult(actions, next_offset, rejected, deferred=1)
        next_offset = max(next_offset or 0, int(update["update_id"]) + 1)
        if not query:
            continue
        action, reply = _action(query, now, authorize, recipients)
        if action is None:
            rejected += 1
        else:
            actions.append(action)
        # The press still counts if answering fails; Telegram only shows a spinner longer.
        with contextlib.suppress(DeliveryError):
            await api.answer_callback(str(query["id"]), reply, alert=action is None)
    return PollResult(actions, next_offset, rejected)


def _early(
    query: dict[str, Any], now: datetime, recipients: Callable[[str], Collection[str]]
) -> bool:
    """A press on a message sent less than PATIENCE ago, for an alert nobody has on record."""
    parsed = parse_callback(str(query.get("data") or ""))
    if parsed is None or recipients(parsed[1]):
        return False
    sent = (query.get("message") or {}).get("date")
    if not isinstance(sent, int | float):
        return False
    return now - datetime.fromtimestamp(sent, UTC) < PATIENCE


def _action(
    query: dict[str, Any],
    now: datetime,
    authorize: Callable[[int], str | None],
    recipients: Callable[[str], Collection[str]],
) -> tuple[Action | None, str]:
    parsed = parse_callback(str(query.get("data") or ""))
    if parsed is None:
        return None, PRESS_UNKNOWN
    user_id = int((query.get("from") or {}).get("id", 0))
    who = authorize(user_id)
    if who is None:
        return None, PRESS_FORBIDDEN
    kind, alert_ident = parsed
    if who not in recipients(alert_ident):
        return None, PRESS_NOT_RECIPIENT
    message = query.get("message") or {}
    chat = message.get("chat") or {}
    return (
        Action(
            alert_id=alert_ident,
            action=kind,
            by=who,
            at=now,
            source="telegram",
            chat_id=chat.get("id"),
            message_id=message.get("message_id"),
        ),
        PRESS_ANSWER[kind],
    )
