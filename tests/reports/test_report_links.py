"""A message's URL becomes a link in the report only when it is http(s)."""

from __future__ import annotations

from datetime import date, datetime

from docfactory import NAMES, sample_week

from reports.period import Period
from reports.report import build_report

WEEK = Period.from_dates(date(2026, 3, 16), date(2026, 3, 20))
NOW = datetime.fromisoformat("2026-03-23T09:00+05:00")
BAD = ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>"]


def test_only_http_urls_become_links() -> None:
    docs = sample_week()
    for n, doc in enumerate(docs):
        if n % 2:
            doc["url"] = BAD[n % 4 // 2]
    html = build_report(docs, WEEK, now=NOW, names=NAMES)
    assert 'href="https://vk.com/wall-1_' in html
    assert "javascript:" not in html
    assert "data:text/html" not in html
