"""Department ratings by count, timeliness and completeness of replies (item 18; METHOD.md)."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from reports.documents import Doc
from reports.names import DEFAULT_NAMES, Names
from reports.period import Period
from reports.worktime import working_hours

# Weights of the score components; a component that cannot be measured is left out.
WEIGHTS = {"on_time_share": 0.5, "completeness": 0.3, "satisfaction": 0.2}
FOLLOW_UP = timedelta(days=7)

COLUMNS = (
    ("rank", "Место"),
    ("department", "Подразделение"),
    ("received", "Получено"),
    ("incidents", "Инцидентов"),
    ("due", "К сроку"),
    ("on_time_share", "В срок, %"),
    ("median_hours", "Медиана, раб. ч"),
    ("p90_hours", "90-й процентиль, раб. ч"),
    ("completeness", "Полнота, %"),
    ("satisfaction", "Удовлетворённость, %"),
    ("score", "Балл"),
)


@dataclass(frozen=True)
class DepartmentRating:
    """One row of the rating; shares are 0..1, None when there is nothing to measure."""

    department: str
    received: int
    due: int
    on_time: int
    answered: int
    on_time_share: float | None
    median_hours: float | None
    p90_hours: float | None
    completeness: float | None
    satisfaction: float | None
    score: float | None
    rank: int
    # Distinct incidents among the messages received (one problem, one unit of work).
    incidents: int = 0


@dataclass
class _Tally:
    received: int = 0
    incidents: set[str] = field(default_factory=set)
    due: int = 0
    on_time: int = 0
    hours: list[float] = field(default_factory=list)
    substantive: int = 0
    judged_replies: int = 0
    satisfied: int = 0
    dissatisfied: int = 0


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in 0..100; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _response_hours(doc: Doc) -> float | None:
    if doc.response_hours is not None:
        return doc.response_hours
    if doc.answered_at is not None:
        return working_hours(doc.created_at, doc.answered_at)
    return None


def _answered_on_time(doc: Doc) -> bool:
    if doc.answered_at is not None and doc.deadline is not None:
        return doc.answered_at <= doc.deadline
    return not doc.overdue


def _reaction(item: Doc, follow_ups: Iterable[Doc], reply: Doc | None) -> int:
    """+1 satisfied, -1 dissatisfied, 0 no signal: the citizen's reaction after the reply."""
    assert item.answered_at is not None
    horizon = item.answered_at + FOLLOW_UP
    positive = reply is not None and reply.likes > 0
    for doc in follow_ups:
        if not (item.answered_at < doc.created_at <= horizon):
            continue
        if not (
            doc.author_id == item.author_id or (item.reply_id and doc.parent_id == item.reply_id)
        ):
            continue
        if doc.sentiment == "negative" or doc.conflict or doc.is_complaint:
            return -1
        positive = positive or doc.sentiment == "positive"
    return 1 if positive else 0


def score_of(
    on_time: float | None, completeness: float | None, satisfaction: float | None
) -> float | None:
    """Weighted mean of the measurable components, 0..100."""
    parts = {"on_time_share": on_time, "completeness": completeness, "satisfaction": satisfaction}
    known = {k: v for k, v in parts.items() if v is not None}
    if not known:
        return None
    weight = sum(WEIGHTS[k] for k in known)
    return 100 * sum(WEIGHTS[k] * v for k, v in known.items()) / weight


def compute_ratings(
    docs: Iterable[Doc],
    period: Period,
    *,
    as_of: datetime | None = None,
    departments: Iterable[str] = (),
) -> list[DepartmentRating]:
    """Rates every department with messages in the period (and every one listed), best first.

    `docs` may include messages after the period: they only serve as reactions to replies.
    `as_of` (default: the period's end) decides whether an unanswered deadline has passed.
    """
    now = as_of or period.end
    all_docs = list(docs)
    by_thread: dict[str, list[Doc]] = defaultdict(list)
    by_id: dict[str, Doc] = {}
    for doc in all_docs:
        by_thread[doc.thread_id].append(doc)
        by_id[doc.id] = doc
    tallies: dict[str, _Tally] = {d: _Tally() for d in departments}
    for doc in all_docs:
        if not doc.is_citizen or doc.department is None or doc.created_at not in period:
            continue
        t = tallies.setdefault(doc.department, _Tally())
        t.received += 1
        t.incidents.add(doc.incident)
        if not doc.needs_response:
            continue
        if doc.answered_at is None:
            if doc.deadline is not None and doc.deadline < now:
                t.due += 1
            continue
        t.due += 1
        t.on_time += _answered_on_time(doc)
        hours = _response_hours(doc)
        if hours is not None:
            t.hours.append(hours)
        if doc.reply_formal is not None:
            t.judged_replies += 1
            t.substantive += not doc.reply_formal
        reply = by_id.get(doc.reply_id) if doc.reply_id else None
        reaction = _reaction(doc, by_thread[doc.thread_id], reply)
        t.satisfied += reaction > 0
        t.dissatisfied += reaction < 0
    rows = []
    for name, t in tallies.items():
        on_time = _share(t.on_time, t.due)
        completeness = _share(t.substantive, t.judged_replies)
        satisfaction = _share(t.satisfied, t.satisfied + t.dissatisfied)
        rows.append(
            DepartmentRating(
                department=name,
                received=t.received,
                due=t.due,
                incidents=len(t.incidents),
                on_time=t.on_time,
                answered=len(t.hours),
                on_time_share=on_time,
                median_hours=percentile(t.hours, 50),
                p90_hours=percentile(t.hours, 90),
                completeness=completeness,
                satisfaction=satisfaction,
                score=score_of(on_time, completeness, satisfaction),
                rank=0,
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), -r.received, r.department))
    return [replace(row, rank=i + 1) for i, row in enumerate(rows)]


def _cell(key: str, row: DepartmentRating, names: Names) -> str:
    value = getattr(row, key)
    if key == "department":
        return names.department(row.department)
    if value is None:
        return "—"
    if key in ("on_time_share", "completeness", "satisfaction"):
        return f"{100 * value:.0f}"
    if key in ("median_hours", "p90_hours", "score"):
        return f"{value:.1f}"
    return str(value)


def table_rows(rows: Sequence[DepartmentRating], names: Names = DEFAULT_NAMES) -> list[list[str]]:
    """Header and formatted cells with department names, for the terminal table and HTML."""
    head = [title for _, title in COLUMNS]
    return [head] + [[_cell(k, r, names) for k, _ in COLUMNS] for r in rows]


def format_table(rows: Sequence[DepartmentRating], names: Names = DEFAULT_NAMES) -> str:
    """A plain-text table with aligned columns for the terminal."""
    cells = table_rows(rows, names)
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    numeric = [k != "department" for k, _ in COLUMNS]
    lines = []
    for n, line in enumerate(cells):
        parts = [
            c.rjust(w) if num and n else c.ljust(w)
            for c, w, num in zip(line, widths, numeric, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("─" * w for w in widths))
    return "\n".join(lines)


def to_csv(rows: Sequence[DepartmentRating], names: Names = DEFAULT_NAMES) -> str:
    """CSV with raw numbers (shares 0..1, hours), one row per department: its id and its name."""
    # New columns go last, so a spreadsheet reading the old ones by position still works.
    keys = [k for k, _ in COLUMNS if k != "incidents"] + ["on_time", "answered", "incidents"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*keys[:2], "department_name", *keys[2:]])
    for r in rows:
        values = [getattr(r, k) for k in keys]
        cells = ["" if v is None else (f"{v:.4f}" if isinstance(v, float) else v) for v in values]
        writer.writerow([*cells[:2], names.department(r.department), *cells[2:]])
    return out.getvalue()
