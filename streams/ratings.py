"""Department ratings from the search engine: the documents of a period, rated by reports/."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from reports.documents import Doc, from_source
from reports.period import Period
from reports.ratings import FOLLOW_UP, DepartmentRating, compute_ratings
from streams.search import SearchEngine


def fetch(
    engine: SearchEngine, period: Period, now: datetime, follow_up: timedelta = timedelta(0)
) -> list[Doc]:
    """Documents created in the period (plus `follow_up` after it, for reactions to replies)."""
    until = min(period.end + follow_up, max(now, period.end))
    query: dict[str, Any] = {
        "range": {"created_at": {"gte": period.start.isoformat(), "lt": until.isoformat()}}
    }
    return [from_source(src) for src in engine.scan(query)]


def rate(
    engine: SearchEngine, period: Period, now: datetime, departments: Iterable[str] = ()
) -> list[DepartmentRating]:
    docs = fetch(engine, period, now, follow_up=FOLLOW_UP)
    return compute_ratings(docs, period, as_of=min(now, period.end), departments=departments)
