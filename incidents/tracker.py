"""A message joins an incident or opens one; the incident grows, and the policy starts its clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alerts.deadlines import DeadlinePolicy
from alerts.items import Item, ItemsConfig
from alerts.message import Message
from alerts.rules.base import Context
from incidents.policy import IncidentsConfig, ResponsePolicy, page_of

RECENT = 20
MAX_ADDRESSES = 8


def join_keys(msg: Message) -> list[str]:
    """Keys under which this message finds its incident, strongest first."""
    keys = [f"t|{msg.thread_id}"]
    if msg.original_id:
        keys.append(f"o|{msg.original_id}")
    if msg.category and msg.category != "other":
        keys += [f"a|{msg.category}|{a.lower()}" for a in msg.addresses]
    return keys


class Incidents:
    """Pure: works on the engine's Context (tables `incidents` and `keys`)."""

    def __init__(self, cfg: IncidentsConfig, items: ItemsConfig, deadlines: DeadlinePolicy) -> None:
        self.cfg = cfg
        self.items = items
        self.deadlines = deadlines
        self.policy = ResponsePolicy(cfg.response)

    def find(self, ctx: Context, msg: Message) -> Item | None:
        for key in join_keys(msg):
            incident = ctx.incident_of(key)
            if incident is None:
                continue
            if key.startswith("a|") and not incident.is_open:
                # An unanswered problem stays one incident; after an answer, only for a window.
                if incident.status == "closed":
                    continue
                last = incident.last_at or incident.created_at
                if abs(msg.created_at - last) > self.cfg.window:
                    continue
            return incident
        return None

    def take(self, ctx: Context, msg: Message, now: datetime) -> tuple[Item | None, bool]:
        """The incident of a citizen message, grown by it; False when the message was counted
        before (a redelivery, an edit) or is deleted."""
        incident = self.find(ctx, msg)
        if msg.status == "deleted":
            return incident, False
        if incident is not None and msg.id in incident.recent:
            return incident, False
        backfill = now - msg.created_at > self.cfg.backfill_after
        if incident is None:
            page = page_of(msg.source, msg.thread_id, msg.id, self.cfg.own_pages)
            incident = Item.from_message(msg, False, "normal").evolve(backfill=backfill, page=page)
        incident = self._grow(incident, msg, backfill)
        incident = self._decide(incident, msg)
        incident = self._register(ctx, incident, msg)
        ctx.save_item(incident)
        return incident, True

    def forget(self, ctx: Context, item: Item) -> None:
        keys = ctx.table("keys")
        for key in item.keys:
            if keys.get(key) == item.id:
                del keys[key]
        ctx.items.pop(item.id, None)
        ctx.touched.pop(item.id, None)

    def _grow(self, item: Item, msg: Message, backfill: bool) -> Item:
        r, w = msg.reactions, self.cfg.reach
        reach = w.message + w.likes * r.likes + w.reposts * r.reposts
        reach += w.comments * r.comments + w.views * r.views
        authors = item.authors
        count = item.authors_count
        if msg.author_id and msg.author_id not in authors:
            count += 1
            if len(authors) < self.cfg.max_authors:
                authors = (*authors, msg.author_id)
        complainers = dict(item.complainers)
        repeats = item.repeats
        if msg.is_complaint and msg.author_id:
            before = complainers.get(msg.author_id, 0)
            repeats += before > 0
            if before or len(complainers) < self.cfg.max_authors:
                complainers[msg.author_id] = before + 1
        addresses = item.addresses
        for address in msg.addresses:
            if address not in addresses and len(addresses) < MAX_ADDRESSES:
                addresses = (*addresses, address)
        category, department = item.category, item.department
        if (category in (None, "other")) and msg.category not in (None, "other"):
            category, department = msg.category, msg.department
        changes = dict(
            messages=item.messages + 1,
            authors=authors,
            authors_count=count,
            reach=item.reach + reach,
            last_at=max(item.last_at or msg.created_at, msg.created_at),
            complaint=item.complaint or msg.is_complaint,
            question=item.question or msg.is_question,
            conflicts=item.conflicts + msg.conflict,
            toxicity=max(item.toxicity, msg.toxicity),
            negatives=item.negatives + (msg.sentiment == "negative"),
            repeats=repeats,
            complainers=complainers,
            addresses=addresses,
            category=category,
            department=department,
            recent=(*item.recent, msg.id)[-RECENT:],
            backfill=item.backfill and backfill,
        )
        changes["priority"] = self._priority(item.priority, changes, msg)
        return item.evolve(**changes)

    def _priority(self, current: str, grown: dict[str, Any], msg: Message) -> str:
        if current == "high" or msg.priority == "high":
            return "high"
        p = self.cfg.priority
        high = (
            (p.conflict and grown["conflicts"] > 0)
            or grown["toxicity"] >= p.toxicity
            or grown["reach"] >= p.reach
            or (p.repeats and grown["repeats"] > 0)
            or grown["authors_count"] >= p.authors
        )
        return "high" if high else (msg.priority or current)

    def labels(self, item: Item) -> dict[str, str]:
        """What the response policy and the deadlines match on."""
        ask = item.complaint or item.question
        municipal = item.category not in (None, "other") and item.department is not None
        return {
            **item.labels(),
            "complaint": str(item.complaint).lower(),
            "question": str(item.question).lower(),
            "municipal": str(municipal).lower(),
            "topic": "problem" if ask else "chatter",
        }

    def _decide(self, item: Item, msg: Message) -> Item:
        labels = self.labels(item)
        if not item.needs_response:
            policy = self.policy.decide(labels, item.reach, item.authors_count)
            if policy is None:
                return item
            # The clock runs from when the incident first needed an answer.
            start = item.created_at if item.messages == 1 else msg.created_at
            rule = self.deadlines.rule_for(labels)
            item = item.evolve(needs_response=True, status="open", policy=policy)
            if rule is None:
                return item
            return item.evolve(
                deadline_rule=rule.name,
                span=str(rule.first_reaction),
                clock_start=start,
                deadline=self.deadlines.due(start, rule.first_reaction),
            )
        if item.status != "open" or item.stage != "first" or item.clock_start is None:
            return item
        rule = self.deadlines.rule_for(labels)
        if rule is None or rule.name == item.deadline_rule:
            return item
        due = self.deadlines.due(item.clock_start, rule.first_reaction)
        if item.deadline is not None and due >= item.deadline:
            return item
        # Priority rose: the shorter deadline of the new rule applies.
        return item.evolve(deadline_rule=rule.name, span=str(rule.first_reaction), deadline=due)

    def _register(self, ctx: Context, item: Item, msg: Message) -> Item:
        keys = ctx.table("keys")
        mine = list(item.keys)
        wanted = join_keys(msg)
        if msg.kind == "post":
            wanted.append(f"o|{msg.id}")
        if all(k in mine for k in wanted):
            return item
        for key in wanted:
            if len(mine) >= self.cfg.max_keys and key not in mine:
                break
            current = keys.get(key)
            if current == item.id:
                continue
            if key.startswith("t|") and current is not None and ctx.item(current) is not None:
                continue  # a thread belongs to the incident that has it
            keys[key] = item.id
            if key not in mine:
                mine.append(key)
        return item if len(mine) == len(item.keys) else item.evolve(keys=tuple(mine))
