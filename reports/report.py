"""From documents to the finished HTML report in one call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from reports.charts import all_charts
from reports.documents import Doc, from_source
from reports.html import ReportMeta, render_html
from reports.names import DEFAULT_NAMES, Names
from reports.period import Period
from reports.ratings import compute_ratings
from reports.summary import summarize


def render_report(
    docs: Iterable[Doc],
    period: Period,
    *,
    now: datetime,
    as_of: datetime | None = None,
    departments: Iterable[str] = (),
    meta: ReportMeta | None = None,
    names: Names = DEFAULT_NAMES,
) -> str:
    """Ratings, summary, charts and HTML for the period; `as_of` defaults to min(now, end).

    `names` turns category codes and department ids into what the head reads.
    """
    items = list(docs)
    moment = as_of or min(now, period.end)
    ratings = compute_ratings(items, period, as_of=moment, departments=departments)
    summary = summarize(items, period, ratings, as_of=moment)
    charts = all_charts(summary, names)
    return render_html(summary, charts, meta or ReportMeta(), now=now, names=names)


def build_report(
    sources: Iterable[Mapping[str, Any]],
    period: Period,
    *,
    now: datetime,
    as_of: datetime | None = None,
    departments: Iterable[str] = (),
    meta: ReportMeta | None = None,
    names: Names = DEFAULT_NAMES,
) -> str:
    """The same from `_source` dicts of the search index."""
    docs = [from_source(s) for s in sources]
    return render_report(
        docs, period, now=now, as_of=as_of, departments=departments, meta=meta, names=names
    )
