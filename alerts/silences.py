"""Silences: matchers plus an end time; a silenced alert is not notified while it lasts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from alerts.matchers import Matcher, check_matcher, match_all, parse_matchers
from alerts.timefmt import iso

MatcherField = Annotated[str, AfterValidator(check_matcher)]


class SilenceConfig(BaseModel):
    """A silence written in routes.yaml (planned works, known incidents)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    matchers: list[MatcherField] = Field(min_length=1)
    starts_at: datetime | None = None
    ends_at: datetime
    created_by: str = "config"
    comment: str = ""


@dataclass(frozen=True)
class Silence:
    id: str
    matchers: tuple[Matcher, ...]
    ends_at: datetime
    starts_at: datetime | None = None
    created_by: str = ""
    comment: str = ""

    def active(self, now: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= now) and now < self.ends_at

    def silences(self, labels: Mapping[str, str], now: datetime) -> bool:
        return self.active(now) and match_all(self.matchers, labels)

    @classmethod
    def create(
        cls,
        matchers: list[str],
        ends_at: datetime,
        created_by: str,
        comment: str = "",
        starts_at: datetime | None = None,
    ) -> Silence:
        parsed = parse_matchers(matchers)
        body = json.dumps(
            [[str(m) for m in parsed], iso(ends_at), created_by, comment], ensure_ascii=False
        )
        ident = hashlib.sha1(body.encode()).hexdigest()[:12]
        return cls(ident, parsed, ends_at, starts_at, created_by, comment)

    @classmethod
    def from_config(cls, cfg: SilenceConfig) -> Silence:
        return cls.create(
            list(cfg.matchers), cfg.ends_at, cfg.created_by, cfg.comment, cfg.starts_at
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "matchers": [str(m) for m in self.matchers],
            "starts_at": iso(self.starts_at) if self.starts_at else None,
            "ends_at": iso(self.ends_at),
            "created_by": self.created_by,
            "comment": self.comment,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Silence:
        return cls(
            id=data["id"],
            matchers=parse_matchers(data["matchers"]),
            ends_at=datetime.fromisoformat(data["ends_at"]),
            starts_at=datetime.fromisoformat(data["starts_at"]) if data.get("starts_at") else None,
            created_by=data.get("created_by") or "",
            comment=data.get("comment") or "",
        )
