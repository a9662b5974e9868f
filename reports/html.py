"""The report to the head as one self-contained HTML page (charts inlined as PNG)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from alerts.links import safe_url
from reports.documents import Doc
from reports.names import DEFAULT_NAMES, Names
from reports.period import TZ
from reports.ratings import table_rows
from reports.summary import Problem, Summary

SOURCES = {
    "vk": "ВКонтакте",
    "telegram": "Telegram",
    "ok": "Одноклассники",
    "pos": "ПОС",
    "email": "эл. почта",
    "site": "сайт",
}
REASONS = {
    "aggression": "агрессия",
    "outrage": "возмущение",
    "accusation": "обвинения",
    "repeated": "повторное обращение",
    "collective_action": "призыв к коллективным действиям",
    "rude_reply": "грубый ответ",
}
CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; color: #1d2733; margin: 24px auto;
       max-width: 1000px; line-height: 1.4; }
header { border-bottom: 2px solid #1f5fa8; margin-bottom: 16px; }
header .org { color: #1f5fa8; font-weight: bold; }
header .to { text-align: right; }
h1 { font-size: 18pt; margin: 8px 0; }
h2 { font-size: 14pt; color: #1f5fa8; margin-top: 28px; break-after: avoid; }
section { break-inside: avoid-page; }
.kpi { display: flex; gap: 12px; flex-wrap: wrap; }
.kpi div { border: 1px solid #c9d3de; border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.kpi b { display: block; font-size: 18pt; }
figure { margin: 8px 0; }
figure img { max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 8px 0; }
th, td { border: 1px solid #c9d3de; padding: 3px 6px; vertical-align: top; }
th { background: #eef3f8; text-align: left; }
td.n { text-align: right; white-space: nowrap; }
.quote { color: #39434f; }
.muted { color: #6b7785; font-size: 9pt; }
footer { margin-top: 32px; border-top: 1px solid #c9d3de; padding-top: 8px; }
"""


@dataclass(frozen=True)
class ReportMeta:
    """Who the report is from and to; defaults follow the regulation's appendix 2."""

    organisation: str = "Муниципальный центр управления Камышловского городского округа"
    addressee: str = "Главе Камышловского городского округа А.В. Половникову"
    signer: str = "Руководитель МЦУ Е.В. Сенцова"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(TZ):%d.%m.%Y %H:%M}"


def _snippet(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _link(doc: Doc) -> str:
    source = escape(SOURCES.get(doc.source, doc.source))
    url = safe_url(doc.url)
    if url is not None:
        return f'<a href="{escape(url)}">{source}</a>'
    return source


def _img(charts: Mapping[str, bytes], key: str, alt: str) -> str:
    data = base64.b64encode(charts[key]).decode("ascii")
    return (
        f'<figure><img class="chart" id="chart-{key}" alt="{escape(alt)}" '
        f'src="data:image/png;base64,{data}"></figure>'
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = (
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _problems_table(
    problems: Sequence[Problem], first: str, with_category: bool, names: Names
) -> str:
    """Categories (with_category=False) or addresses with their main category."""
    head = [first, "Проблемных", "Жалоб", "Негатив"] + (["Основная тема"] if with_category else [])
    title = str if with_category else names.category
    rows = [
        [escape(title(p.name)), str(p.total), str(p.complaints), str(p.negative)]
        + ([escape(names.category(p.top_category or ""))] if with_category else [])
        for p in problems
    ]
    return _table(head, rows, numeric=(1, 2, 3)) if rows else "<p>Нет проблемных сообщений.</p>"


def _summary_section(s: Summary) -> str:
    overdue = len(s.overdue)
    kpis = [
        ("Сообщений граждан", str(s.total)),
        ("Инцидентов (проблем)", str(s.incidents)),
        ("Негативных", _pct(s.negative, s.total)),
        ("Конфликтных", _pct(s.conflict, s.total)),
        ("Получили ответ", str(s.answered)),
        ("Просрочено", str(overdue)),
    ]
    cards = "".join(f"<div>{escape(k)}<b>{escape(v)}</b></div>" for k, v in kpis)
    return (
        f'<section id="summary"><h2>1. Итоги периода</h2><div class="kpi">{cards}</div></section>'
    )


def _overdue_section(s: Summary, charts: Mapping[str, bytes], names: Names) -> str:
    rows = [
        [
            _local(o.doc.created_at),
            _link(o.doc),
            escape(names.department(o.department)),
            _local(o.doc.deadline) if o.doc.deadline else "—",
            f"{o.overdue_hours:.1f}",
            f'<span class="quote">{_snippet(o.doc.text)}</span>',
        ]
        for o in s.overdue[:30]
    ]
    head = ["Поступило", "Источник", "Ответственный", "Срок", "Просрочка, раб. ч", "Текст"]
    body = _table(head, rows, numeric=(4,)) if rows else "<p>Просроченных обращений нет.</p>"
    more = len(s.overdue) - len(rows)
    tail = (
        f'<p class="muted">И ещё {more} — в Kibana, поиск «Просроченные».</p>' if more > 0 else ""
    )
    return (
        f'<section id="overdue"><h2>4. Просроченные обращения на {_local(s.as_of)}</h2>'
        f"{_img(charts, 'overdue', 'Просроченные по подразделениям')}{body}{tail}</section>"
    )


def _ratings_section(s: Summary, charts: Mapping[str, bytes], names: Names) -> str:
    cells = table_rows(s.ratings, names)
    rows = [[escape(c) for c in row] for row in cells[1:]]
    table = (
        _table(cells[0], rows, numeric=(0, 2, 3, 4, 5, 6, 7, 8, 9))
        if rows
        else "<p>Нет данных.</p>"
    )
    note = (
        '<p class="muted">Балл = 50% доли ответов в срок + 30% полноты (ответы по существу, '
        "не отписки) + 20% удовлетворённости (реакции граждан после ответа); методика — "
        "reports/METHOD.md.</p>"
    )
    return (
        '<section id="ratings"><h2>5. Рейтинг подразделений (п. 18 Положения о МЦУ)</h2>'
        f"{table}{note}{_img(charts, 'ratings', 'Рейтинг подразделений')}</section>"
    )


def _conflicts_section(s: Summary, names: Names) -> str:
    rows = [
        [
            _local(d.created_at),
            _link(d),
            escape(names.department(d.department) if d.department else "—"),
            escape(", ".join(REASONS.get(r, r) for r in d.conflict_reasons) or "—"),
            str(d.reach),
            f'<span class="quote">{_snippet(d.text)}</span>',
        ]
        for d in s.conflicts
    ]
    head = ["Дата", "Источник", "Подразделение", "Признаки", "Охват", "Текст"]
    body = _table(head, rows, numeric=(4,)) if rows else "<p>Конфликтов за период не выявлено.</p>"
    return f'<section id="conflicts"><h2>6. Заметные конфликты</h2>{body}</section>'


def render_html(
    summary: Summary,
    charts: Mapping[str, bytes],
    meta: ReportMeta,
    *,
    now: datetime,
    names: Names = DEFAULT_NAMES,
) -> str:
    """The whole report; `charts` is reports.charts.all_charts(summary, names)."""
    s = summary
    title = f"Отчёт о работе с сообщениями граждан за период {s.period.label()}"
    parts = [
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f'<header><div class="org">{escape(meta.organisation)}</div>',
        f'<div class="to">{escape(meta.addressee)}</div>',
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">Сформирован {_local(now)} (время екатеринбургское)</p></header>',
        _summary_section(s),
        '<section id="flow"><h2>2. Поток сообщений</h2>',
        _img(charts, "flow", "Поток сообщений по дням и категориям"),
        _img(charts, "shares", "Доля негативных и конфликтных сообщений"),
        "</section>",
        '<section id="problems"><h2>3. Главные проблемы и адреса</h2>',
        _img(charts, "problems", "Главные проблемы"),
        _problems_table(s.top_problems, "Категория", with_category=False, names=names),
        _img(charts, "addresses", "Адреса с проблемами"),
        _problems_table(s.top_addresses, "Адрес", with_category=True, names=names),
        "</section>",
        _overdue_section(s, charts, names),
        _ratings_section(s, charts, names),
        _conflicts_section(s, names),
        f"<footer>{escape(meta.signer)}</footer></body></html>",
    ]
    return "\n".join(parts)
