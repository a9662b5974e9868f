"""Escalation chains: executor, then head of МЦУ, then curator, while nobody acknowledges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from alerts.durations import parse_duration
from alerts.roster import Channel
from alerts.timefmt import iso

DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EscalationStep(_Strict):
    # Counted from the first notification of the alert, not from the previous step.
    after: DurationField
    receiver: str
    channels: list[Channel] | None = None


class EscalationChain(_Strict):
    steps: list[EscalationStep] = Field(min_length=1)
    mute_time_intervals: list[str] = []
    active_time_intervals: list[str] = []


@dataclass(frozen=True)
class Escalation:
    """Per-alert progress along a chain (router state, table `escalations`)."""

    alert_id: str
    chain: str
    base: datetime
    level: int = 0
    acked: bool = False

    def due_at(self, chain: EscalationChain) -> datetime | None:
        if self.acked or self.level >= len(chain.steps):
            return None
        return self.base + chain.steps[self.level].after

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "chain": self.chain,
            "base": iso(self.base),
            "level": self.level,
            "acked": self.acked,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Escalation:
        return cls(
            alert_id=data["alert_id"],
            chain=data["chain"],
            base=datetime.fromisoformat(data["base"]),
            level=int(data.get("level", 0)),
            acked=bool(data.get("acked")),
        )
