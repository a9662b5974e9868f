"""The wire message a connector produces: the contract's RawMessage, with a thread and a time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ValidationInfo, field_validator

from contract.message import Author, Ident, IsoTime, Kind, RawMessage, Reactions

__all__ = ["DELETED_TEXT", "Author", "Kind", "Reactions", "Status", "Wire", "from_unix"]

Status = Literal["edited", "deleted"]
# Deletions rarely carry the text; the index keeps the earlier text of the same id.
DELETED_TEXT = "(сообщение удалено)"
# Left out of the JSON when empty.
OPTIONAL = ("status", "original_id", "category_hint", "pos", "extra")


class Wire(RawMessage):
    """One message for mcu.messages.raw; optional fields are left out when empty."""

    thread_id: Ident
    created_at: IsoTime

    @field_validator("created_at")
    @classmethod
    def _plausible_time(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        # A connector passes on what the source said; the tag stage judges its plausibility.
        return value

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return (value.strip() or DELETED_TEXT) if isinstance(value, str) else value

    def to_json(self) -> bytes:
        data = self.model_dump(mode="json")
        for name in OPTIONAL:
            if not data.get(name):
                data.pop(name, None)
        return json.dumps(data, ensure_ascii=False).encode()

    @property
    def key(self) -> bytes:
        return self.thread_id.encode()


def from_unix(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
