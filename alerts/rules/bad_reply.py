"""bad_reply: an official reply that is formulaic (отписка) or rude."""

from __future__ import annotations

from datetime import datetime

from alerts.items import Item
from alerts.message import Message
from alerts.model import Severity, max_severity
from alerts.rules.base import (
    EXCERPT,
    BaseRule,
    Context,
    Fire,
    Resolve,
    Signal,
    Strict,
    message_labels,
)
from alerts.rules.registry import register


class BadReplyConfig(Strict):
    formal: bool = True
    rude: bool = True
    formal_severity: Severity = "warning"
    rude_severity: Severity = "critical"


@register("bad_reply", BadReplyConfig)
class BadReplyRule(BaseRule[BadReplyConfig]):
    kind = "bad_reply"
    # A later substantive reply resolves it (see on_message); closing the item too.
    resolve_on = frozenset({"closed"})

    def on_message(
        self, ctx: Context, msg: Message, incident: Item | None, now: datetime
    ) -> list[Signal]:
        if not msg.is_official_reply:
            return []
        target = incident
        subject = target.id if target else (msg.parent_id or msg.thread_id)
        rude = self.config.rude and bool(msg.rude_reply)
        formal = self.config.formal and bool(msg.formal_reply)
        active = ctx.active(self.name, subject)
        if not (rude or formal):
            return [Resolve(subject, "good_reply", msg.author_name)] if active else []
        levels: list[Severity] = []
        if rude:
            levels.append(self.config.rude_severity)
        if formal:
            levels.append(self.config.formal_severity)
        if active is not None:
            levels.append(active.severity)
        return [
            Fire(
                subject=subject,
                severity=self.severity(max_severity(*levels)),
                at=msg.created_at,
                labels=self._labels(msg, target),
                annotations=self._notes(msg, target, rude, formal),
                item_id=subject,
                last_at=msg.created_at,
            )
        ]

    def _labels(self, msg: Message, target: Item | None) -> dict[str, str]:
        labels = message_labels(msg)
        if target is not None:
            labels.update(target.labels())
            labels.pop("kind", None)
        return labels

    def _notes(self, msg: Message, target: Item | None, rude: bool, formal: bool) -> dict[str, str]:
        notes = {
            "message_id": target.id if target else msg.parent_id or msg.thread_id,
            "text": target.excerpt[:EXCERPT] if target else "",
            "url": (target.url if target else None) or msg.url or "",
            "author": (target.author_name or "") if target else "",
            "reply_id": msg.id,
            "reply_text": msg.text[:EXCERPT],
            "reply_author": msg.author_name or msg.author_id or "",
            "reply_url": msg.url or "",
            "reasons": ",".join(
                r for r, on in (("rude_reply", rude), ("formal_reply", formal)) if on
            ),
            "source": msg.source,
        }
        return {k: v for k, v in notes.items() if v}

    def severities(self) -> tuple[Severity, ...]:
        if self.spec.severity:
            return (self.spec.severity,)
        return tuple(sorted({self.config.formal_severity, self.config.rude_severity}))
