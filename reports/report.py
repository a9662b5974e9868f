"""From `_source` dicts to the finished HTML report in one call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from reports.charts import all_charts
from reports.documents import from_source
from reports.html import ReportMeta, render_html
from reports.period import Period
from reports.ratings import compute_ratings
from reports.summary import summarize


def build_report(
    sources: Iterable[Mapping[str, Any]],
    period: Period,
    *,
    now: datetime,
    as_of: datetime | None = None,
    departments: Iterable[str] = (),
    meta: ReportMeta | None = None,
) -> str:
    """Ratings, summary, charts and HTML for the period; `as_of` defaults to min(now, end)."""
    docs = [from_source(s) for s in sources]
    moment = as_of or min(now, period.end)
    ratings = compute_ratings(docs, period, as_of=moment, departments=departments)
    summary = summarize(docs, period, ratings, as_of=moment)
    return render_html(summary, all_charts(summary), meta or ReportMeta(), now=now)
