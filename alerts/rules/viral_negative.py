"""viral_negative: a negative post whose reactions grow past a threshold."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from alerts.items import Item
from alerts.message import Message
from alerts.rules.base import (
    EXCERPT,
    BaseRule,
    Context,
    Fire,
    Signal,
    Strict,
    incident_annotations,
    incident_labels,
    message_labels,
)
from alerts.rules.registry import register


class Weights(Strict):
    likes: float = 1.0
    reposts: float = 5.0
    comments: float = 3.0
    views: float = 0.01


class ViralNegativeConfig(Strict):
    kinds: list[str] = Field(default_factory=lambda: ["post"])
    sentiments: list[str] = Field(default_factory=lambda: ["negative"])
    weights: Weights = Weights()
    # Reach score = Σ weight × reaction; fires at threshold, critical at critical_at.
    threshold: float = Field(300.0, gt=0)
    critical_at: float | None = Field(1000.0, gt=0)
    # Re-notify only when the score grew by this share since the last update.
    update_step: float = Field(0.25, ge=0)


@register("viral_negative", ViralNegativeConfig)
class ViralNegativeRule(BaseRule[ViralNegativeConfig]):
    kind = "viral_negative"
    # Reactions grow on the same post, re-sent by its source.
    sees_updates = True

    def score(self, msg: Message) -> float:
        w, r = self.config.weights, msg.reactions
        return (
            w.likes * r.likes + w.reposts * r.reposts + w.comments * r.comments + w.views * r.views
        )

    def on_message(
        self, ctx: Context, msg: Message, incident: Item | None, now: datetime
    ) -> list[Signal]:
        cfg = self.config
        if incident is None or msg.is_official:
            return []
        if msg.kind not in cfg.kinds or msg.sentiment not in cfg.sentiments:
            return []
        score = self.score(msg)
        if score < cfg.threshold:
            return []
        active = ctx.active(self.name, incident.id)
        if active is not None:
            last = float(active.annotations.get("score", "0"))
            if score < last * (1 + cfg.update_step):
                return []
        critical = cfg.critical_at is not None and score >= cfg.critical_at
        r = msg.reactions
        notes = incident_annotations(incident) | {
            "score": f"{score:.0f}",
            "likes": str(r.likes),
            "reposts": str(r.reposts),
            "comments": str(r.comments),
            "views": str(r.views),
            "text": msg.text[:EXCERPT],
            "message_id": msg.id,
            "url": msg.url or incident.url or "",
        }
        return [
            Fire(
                subject=incident.id,
                severity=self.severity("critical" if critical else "warning"),
                at=incident.created_at,
                labels={**message_labels(msg), **incident_labels(incident)},
                annotations={k: v for k, v in notes.items() if v},
                item_id=incident.id,
                once=True,
                last_at=msg.created_at,
            )
        ]
