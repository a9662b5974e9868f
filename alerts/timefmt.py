"""Datetimes in state and on the wire are ISO 8601 strings with an offset."""

from __future__ import annotations

from datetime import datetime, tzinfo


def parse_dt(value: str | datetime, default_tz: tzinfo) -> datetime:
    """Reads an ISO 8601 string (or datetime); naive values get the municipal time zone."""
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(value.strip())
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=default_tz)


def iso(dt: datetime) -> str:
    return dt.isoformat()


def opt_iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat()


def opt_dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def require_aware(now: datetime) -> datetime:
    """The engine never guesses a zone for `now`: a naive value is a caller bug."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now
