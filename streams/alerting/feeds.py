"""What feeds the control topic: tagged messages by route, responses, Telegram button presses.

A message's route is the control key that keeps everything its incident needs on one
partition: its thread's route when the thread is known, else its category (messages of one
category at one address join there), else its thread. The route of a thread is remembered in
a table co-partitioned with the tagged topic (keyed by thread), so the comments of a thread
follow its first message whatever their own category.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

import faust

from alerts.audit import for_action
from alerts.delivery import DeliveryRecord
from alerts.notifiers.base import DeliveryError
from alerts.notifiers.poller import poll_actions
from alerts.recipients import recipients
from streams import deadletter
from streams.alerting.runtime import DELIVERIES, AlertsRuntime
from streams.alerting.shards import partition_of_alert
from streams.alerting.views import ChangelogView
from streams.audit import AuditFile
from streams.context import Context
from streams.records import BadMessage, parse_response

log = logging.getLogger(__name__)
# Threads are remembered this long after their first message, then forgotten in passes.
THREAD_TTL_SECONDS = 30 * 86400
PRUNE_EVERY = 20_000
# A batch goes out at this many messages, or after this many seconds.
BATCH = 200
BATCH_SECONDS = 0.2
# A press whose delivery is not on record yet is read again after this (poller.py PATIENCE).
PRESS_RETRY_SECONDS = 0.5


# What the incident and alert rules read of a tagged message (lemmas and entities stay out).
FIELDS = (
    "id",
    "source",
    "kind",
    "thread_id",
    "parent_id",
    "original_id",
    "status",
    "url",
    "author",
    "created_at",
    "reactions",
    "priority",
    "department",
    "ingested_at",
)
NLP_FIELDS = (
    "category",
    "sentiment",
    "toxicity",
    "conflict",
    "conflict_reasons",
    "is_complaint",
    "is_question",
    "addresses",
    "formal_reply",
    "rude_reply",
)
TEXT_LIMIT = 1000


def slim(message: dict[str, Any]) -> dict[str, Any]:
    """The part of a tagged message the control topic carries."""
    out = {k: message[k] for k in FIELDS if k in message}
    out["text"] = str(message.get("text") or "")[:TEXT_LIMIT]
    nlp = message.get("nlp") or {}
    out["nlp"] = {k: nlp[k] for k in NLP_FIELDS if k in nlp}
    return out


def route_of(message: dict[str, Any]) -> str:
    """The route of a message whose thread is not known yet."""
    category = (message.get("nlp") or {}).get("category")
    if category and category != "other":
        return f"c|{category}"
    return f"t|{message.get('thread_id') or message.get('id')}"


class Batch:
    """Slim messages per route, sent as one control record per route: one event, one
    write-back of the incident state, for a whole burst about one problem."""

    def __init__(self) -> None:
        self.routes: dict[str, list[dict[str, Any]]] = {}
        self.events: list[Any] = []
        self.size = 0
        self.lock = asyncio.Lock()

    def add(self, route: str, message: dict[str, Any], event: Any) -> None:
        self.routes.setdefault(route, []).append(message)
        self.events.append(event)
        self.size += 1

    def take(self) -> tuple[dict[str, list[dict[str, Any]]], list[Any]]:
        routes, events = self.routes, self.events
        self.routes, self.events, self.size = {}, [], 0
        return routes, events


def install(ctx: Context, rt: AlertsRuntime) -> None:
    settings = ctx.settings.alerts
    origin = ctx.settings.kafka.topics.responses
    threads = ctx.app.Table(
        "alerts-threads",
        partitions=ctx.settings.kafka.partitions,
        schema=faust.Schema(key_serializer="json", value_serializer="json"),
        help="the control route of each thread",
    )
    seen = [0]

    def prune(partition: int) -> None:
        """Forgets this partition's old threads (its own keys only: the tombstones go to it)."""
        prefix = f"{partition}/"
        horizon = time.time() - THREAD_TTL_SECONDS
        for key, value in list(threads.items()):
            if key.startswith(prefix) and value[1] < horizon:
                del threads[key]

    batch = Batch()

    async def flush() -> None:
        async with batch.lock:
            routes, events = batch.take()
            for route, messages in routes.items():
                await rt.submit("messages", {"messages": messages}, key=route)
            # Acknowledged only once sent: a crash before re-reads them, never loses them.
            for event in events:
                event.ack()

    @ctx.app.agent(ctx.topics.tagged, name="mcu.alerts.messages")
    async def messages(stream: Any) -> None:
        async for event in stream.noack().events():
            try:
                message = json.loads(event.value)
            except ValueError:
                event.ack()
                continue  # the index agent dead-letters it
            if not isinstance(message, dict) or not message.get("id"):
                event.ack()
                continue
            partition = event.message.partition
            thread = f"{partition}/{message.get('thread_id') or message['id']}"
            known = threads.get(thread)
            route = known[0] if known else route_of(message)
            if known is None:
                threads[thread] = [route, time.time()]
            seen[0] += 1
            if seen[0] % PRUNE_EVERY == 0:
                prune(partition)
            batch.add(route, slim(message), event)
            if batch.size >= BATCH:
                await flush()

    @ctx.app.timer(interval=BATCH_SECONDS, name="mcu.alerts.messages.flush")
    async def flush_now() -> None:
        if batch.size:
            await flush()

    @ctx.app.agent(ctx.topics.responses, name="mcu.alerts.responses")
    async def responses(stream: Any) -> None:
        async for raw in stream:
            try:
                response = parse_response(raw)
            except BadMessage as exc:
                await deadletter.put(ctx, raw, None, "alerts", exc.reason, origin)
                continue
            # The partition that holds the incident is not known here: each one looks.
            partition = partition_of_alert(str(response.get("alert_id") or ""))
            await rt.submit("response", {"response": response}, partition=partition)

    bot = rt.bot
    if not settings.telegram_poll or bot is None:
        return
    offset: list[int | None] = [None]
    roster = rt.engine.roster
    audit = AuditFile(ctx.settings.audit_file)
    # Who received an alert is in the delivery log of its partition, maybe on another worker:
    # the poller follows that table's changelog, every partition.
    kafka = ctx.settings.kafka
    topic = rt.tables[DELIVERIES].changelog_topic.get_topic_name()
    sent = ChangelogView(kafka.bootstrap, topic, kafka.client_options())

    def sent_to(alert_id: str) -> set[str]:
        records = (DeliveryRecord.from_dict(d) for d in sent.values())
        return recipients(records, roster, alert_id)

    @ctx.app.task
    async def follow_deliveries() -> None:
        await sent.run()

    @ctx.app.task
    async def telegram() -> None:
        while True:
            # One poller per bot: Telegram refuses concurrent getUpdates.
            if not ctx.app.is_leader():
                await asyncio.sleep(5)
                continue
            try:
                # Long polling: returns at once when someone presses a button.
                result = await poll_actions(
                    bot,
                    offset[0],
                    datetime.now(UTC),
                    timeout=10,
                    authorize=roster.person_for_telegram_user,
                    recipients=sent_to,
                )
            except DeliveryError as exc:
                log.warning("Telegram getUpdates failed: %s", exc)
                await asyncio.sleep(5)
                continue
            if result.rejected:
                log.warning(
                    "Telegram: %d button presses refused (not a recipient)", result.rejected
                )
            for action in result.actions:
                partition = partition_of_alert(action.alert_id)
                await rt.submit("action", {"action": action.to_dict()}, partition=partition)
                await asyncio.to_thread(audit.append, for_action(action))
            # Telegram re-sends updates below the offset, so a lost press is re-read, not lost.
            offset[0] = result.offset
            if result.deferred:
                await asyncio.sleep(PRESS_RETRY_SECONDS)
