"""What the report to the head shows, counted from documents of one period."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reports.documents import Doc
from reports.period import Period
from reports.ratings import DepartmentRating
from reports.worktime import working_hours

NO_CATEGORY = "без категории"
NO_DEPARTMENT = "не назначено"


@dataclass(frozen=True)
class DayShare:
    """Messages of one day and the shares of negative and conflict ones."""

    day: date
    total: int
    negative: int
    conflict: int

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.total if self.total else None

    @property
    def conflict_share(self) -> float | None:
        return self.conflict / self.total if self.total else None


@dataclass(frozen=True)
class Problem:
    """A category or an address with its message count and how many were complaints."""

    name: str
    total: int
    complaints: int
    negative: int
    top_category: str | None = None


@dataclass(frozen=True)
class OverdueItem:
    """An unanswered message past its deadline at the end of the period."""

    doc: Doc
    department: str
    overdue_hours: float


@dataclass(frozen=True)
class Summary:
    """Everything the report renders, in order of its sections."""

    period: Period
    as_of: datetime
    total: int
    # Distinct incidents the citizen messages make up.
    incidents: int
    negative: int
    conflict: int
    answered: int
    flow: dict[date, dict[str, int]]
    categories: list[str]
    shares: list[DayShare]
    top_problems: list[Problem]
    top_addresses: list[Problem]
    overdue: list[OverdueItem]
    overdue_by_department: dict[str, int]
    ratings: list[DepartmentRating]
    conflicts: list[Doc]


def _problem(name: str, docs: Sequence[Doc], *, with_category: bool) -> Problem:
    top = None
    if with_category:
        counted = Counter(d.category or NO_CATEGORY for d in docs)
        top = counted.most_common(1)[0][0]
    return Problem(
        name=name,
        total=len(docs),
        complaints=sum(d.is_complaint for d in docs),
        negative=sum(d.sentiment == "negative" for d in docs),
        top_category=top,
    )


def _is_problem(doc: Doc) -> bool:
    return doc.is_complaint or doc.sentiment == "negative" or doc.conflict


def summarize(
    docs: Iterable[Doc],
    period: Period,
    ratings: Sequence[DepartmentRating] = (),
    *,
    as_of: datetime | None = None,
    top: int = 10,
    max_categories: int = 7,
) -> Summary:
    """Counts citizen messages created in the period; `as_of` defaults to the period's end."""
    now = as_of or period.end
    citizen = [d for d in docs if d.is_citizen and d.created_at in period]
    flow: dict[date, dict[str, int]] = {day: defaultdict(int) for day in period.days()}
    by_category: dict[str, list[Doc]] = defaultdict(list)
    by_address: dict[str, list[Doc]] = defaultdict(list)
    for d in citizen:
        by_category[d.category or NO_CATEGORY].append(d)
        if _is_problem(d):
            for address in dict.fromkeys(d.addresses):
                by_address[address].append(d)
    ranked = sorted(by_category, key=lambda c: (-len(by_category[c]), c))
    shown = (
        ranked[:max_categories] if len(ranked) <= max_categories else ranked[: max_categories - 1]
    )
    other = "прочие"
    for d in citizen:
        category = d.category or NO_CATEGORY
        flow[period.local_day(d.created_at)][category if category in shown else other] += 1
    categories = shown + ([other] if len(ranked) > len(shown) else [])
    shares = []
    for day in period.days():
        of_day = [d for d in citizen if period.local_day(d.created_at) == day]
        shares.append(
            DayShare(
                day=day,
                total=len(of_day),
                negative=sum(d.sentiment == "negative" for d in of_day),
                conflict=sum(d.conflict for d in of_day),
            )
        )
    problems = [
        _problem(c, [d for d in ds if _is_problem(d)], with_category=False)
        for c, ds in by_category.items()
    ]
    problems = sorted((p for p in problems if p.total), key=lambda p: (-p.total, p.name))[:top]
    addresses = sorted(
        (_problem(a, ds, with_category=True) for a, ds in by_address.items()),
        key=lambda p: (-p.total, p.name),
    )[:top]
    overdue = [
        OverdueItem(d, d.department or NO_DEPARTMENT, working_hours(d.deadline, now))
        for d in citizen
        if d.needs_response
        and d.answered_at is None
        and d.status not in ("closed", "not_required")
        and d.deadline is not None
        and d.deadline < now
    ]
    overdue.sort(key=lambda o: (-o.overdue_hours, o.doc.id))
    overdue_by_department = Counter(o.department for o in overdue)
    conflicts = sorted(
        (d for d in citizen if d.conflict), key=lambda d: (-d.reach, -d.toxicity, d.id)
    )[:top]
    return Summary(
        period=period,
        as_of=now,
        total=len(citizen),
        incidents=len({d.incident for d in citizen}),
        negative=sum(d.sentiment == "negative" for d in citizen),
        conflict=sum(d.conflict for d in citizen),
        answered=sum(d.answered_at is not None for d in citizen),
        flow={day: dict(counts) for day, counts in flow.items()},
        categories=categories,
        shares=shares,
        top_problems=problems,
        top_addresses=addresses,
        overdue=overdue,
        overdue_by_department=dict(overdue_by_department.most_common()),
        ratings=list(ratings),
        conflicts=conflicts,
    )
