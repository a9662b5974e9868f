"""Charts of the report as PNG bytes (matplotlib, Agg backend, DejaVu Sans for Cyrillic)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from reports.names import DEFAULT_NAMES, Names
from reports.summary import Problem, Summary

PALETTE = (
    "#1f5fa8",
    "#e07b24",
    "#3b9a52",
    "#c0392b",
    "#7d5ba6",
    "#8c6d31",
    "#d462a6",
    "#7f8c8d",
)
STYLE: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _style() -> AbstractContextManager[None]:
    return plt.rc_context(STYLE)  # type: ignore[arg-type]


def _no_data(ax: Axes) -> None:
    ax.text(0.5, 0.5, "нет данных за период", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def flow_chart(summary: Summary, names: Names = DEFAULT_NAMES) -> bytes:
    """Messages per day, stacked by category."""
    with _style():
        fig, ax = plt.subplots(figsize=(9, 3.8))
        days = list(summary.flow)
        labels = [f"{d:%d.%m}" for d in days]
        bottom = [0] * len(days)
        for i, category in enumerate(summary.categories):
            values = [summary.flow[d].get(category, 0) for d in days]
            ax.bar(
                labels,
                values,
                bottom=bottom,
                label=names.category(category),
                color=PALETTE[i % len(PALETTE)],
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        if not summary.total:
            _no_data(ax)
        else:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.set_ylabel("сообщений в день")
        ax.set_title("Поток сообщений по дням и категориям")
        if len(labels) > 16:
            ax.set_xticks(range(0, len(labels), max(1, len(labels) // 12)))
        return _png(fig)


def shares_chart(summary: Summary) -> bytes:
    """Daily shares of negative and conflict messages."""
    with _style():
        fig, ax = plt.subplots(figsize=(9, 3.2))
        measured = [s for s in summary.shares if s.total]
        days = [f"{s.day:%d.%m}" for s in measured]
        negative = [s.negative / s.total for s in measured]
        conflict = [s.conflict / s.total for s in measured]
        if days:
            ax.plot(days, negative, marker="o", color=PALETTE[3], label="негатив")
            ax.plot(days, conflict, marker="s", color=PALETTE[4], label="конфликты")
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_ylim(bottom=0)
            ax.legend(frameon=False)
            if len(days) > 16:
                ax.set_xticks(range(0, len(days), max(1, len(days) // 12)))
        else:
            _no_data(ax)
        ax.set_title("Доля негативных и конфликтных сообщений")
        return _png(fig)


def problems_chart(
    problems: Sequence[Problem],
    title: str,
    color: str,
    label: Callable[[str], str] = str,
) -> bytes:
    """Horizontal bars: problem messages per category or address; `label` names the bar."""
    with _style():
        height = 0.9 + 0.38 * max(len(problems), 1)
        fig, ax = plt.subplots(figsize=(9, height))
        if problems:
            bars = [label(p.name) for p in reversed(problems)]
            ax.barh(bars, [p.total for p in reversed(problems)], color=color)
            ax.set_xlabel("проблемных сообщений (жалобы, негатив, конфликты)")
        else:
            _no_data(ax)
        ax.set_title(title)
        return _png(fig)


def overdue_chart(summary: Summary, names: Names = DEFAULT_NAMES) -> bytes:
    """Overdue items per responsible department."""
    with _style():
        items = list(summary.overdue_by_department.items())
        fig, ax = plt.subplots(figsize=(9, 0.9 + 0.38 * max(len(items), 1)))
        if items:
            ax.barh(
                [names.department(k) for k, _ in reversed(items)],
                [v for _, v in reversed(items)],
                color=PALETTE[3],
            )
            ax.set_xlabel("просроченных обращений")
        else:
            _no_data(ax)
        ax.set_title("Просроченные обращения по подразделениям")
        return _png(fig)


def ratings_chart(summary: Summary, names: Names = DEFAULT_NAMES) -> bytes:
    """Rating score per department, best on top."""
    with _style():
        rows = [r for r in summary.ratings if r.score is not None]
        fig, ax = plt.subplots(figsize=(9, 0.9 + 0.38 * max(len(rows), 1)))
        if rows:
            ax.barh(
                [f"{r.rank}. {names.department(r.department)}" for r in reversed(rows)],
                [r.score or 0 for r in reversed(rows)],
                color=PALETTE[2],
            )
            ax.set_xlim(0, 100)
            ax.set_xlabel("балл (0–100)")
        else:
            _no_data(ax)
        ax.set_title("Рейтинг подразделений")
        return _png(fig)


def all_charts(summary: Summary, names: Names = DEFAULT_NAMES) -> dict[str, bytes]:
    """Every chart of the report by its key in the HTML."""
    problems = summary.top_problems
    return {
        "flow": flow_chart(summary, names),
        "shares": shares_chart(summary),
        "problems": problems_chart(problems, "Главные проблемы", PALETTE[1], names.category),
        "addresses": problems_chart(summary.top_addresses, "Адреса с проблемами", PALETTE[0]),
        "overdue": overdue_chart(summary, names),
        "ratings": ratings_chart(summary, names),
    }
