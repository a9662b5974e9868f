"""Writes grafana/dashboards/*.json: the operations screen and the system health dashboard.

Run `python grafana/build.py` after changing a panel; the JSON files are committed and
provisioned read-only (tests/grafana checks they match this script).
Queries use only metrics of streams/metrics.py and the Grafana variables $__rate_interval
and $__range; "today" panels set the panel's relative time to now/d.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "mcu-prometheus"}
HERE = Path(__file__).resolve().parent
OUT = HERE / "dashboards"
SCHEMA_VERSION = 39

Panel = dict[str, Any]


def target(expr: str, legend: str = "", *, ref: str = "A", instant: bool = False) -> dict[str, Any]:
    return {
        "refId": ref,
        "datasource": DATASOURCE,
        "expr": expr,
        "legendFormat": legend or "__auto",
        "instant": instant,
        "range": not instant,
        "editorMode": "code",
    }


def thresholds(*steps: tuple[float | None, str]) -> dict[str, Any]:
    return {"mode": "absolute", "steps": [{"value": v, "color": c} for v, c in steps]}


GREEN = thresholds((None, "green"))


def stat(
    title: str,
    expr: str,
    *,
    unit: str = "short",
    steps: dict[str, Any] = GREEN,
    decimals: int | None = 0,
    time_from: str | None = None,
    description: str = "",
) -> Panel:
    panel: Panel = {
        "type": "stat",
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "targets": [target(expr, instant=True)],
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "decimals": decimals,
                "color": {"mode": "thresholds"},
                "thresholds": steps,
            },
            "overrides": [],
        },
        "options": {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "background",
            "graphMode": "none",
            "justifyMode": "center",
            "textMode": "value",
            "orientation": "auto",
            "text": {"valueSize": 64},
        },
    }
    if time_from:
        panel["timeFrom"] = time_from
    return panel


def timeseries(
    title: str,
    targets: list[dict[str, Any]],
    *,
    unit: str = "short",
    stack: bool = False,
    description: str = "",
    max_value: float | None = None,
) -> Panel:
    defaults: dict[str, Any] = {
        "unit": unit,
        "min": 0,
        "color": {"mode": "palette-classic"},
        "custom": {
            "drawStyle": "line",
            "lineWidth": 2,
            "fillOpacity": 25 if stack else 10,
            "showPoints": "never",
            "stacking": {"mode": "normal" if stack else "none", "group": "A"},
        },
    }
    if max_value is not None:
        defaults["max"] = max_value
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "targets": targets,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "desc"},
        },
    }


def bars(
    title: str,
    expr: str,
    legend: str,
    *,
    unit: str = "short",
    steps: dict[str, Any] = GREEN,
    time_from: str | None = None,
    description: str = "",
    decimals: int | None = 0,
) -> Panel:
    panel: Panel = {
        "type": "bargauge",
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "targets": [target(expr, legend, instant=True)],
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "decimals": decimals,
                "min": 0,
                "color": {"mode": "thresholds"},
                "thresholds": steps,
            },
            "overrides": [],
        },
        "options": {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "orientation": "horizontal",
            "displayMode": "basic",
            "valueMode": "color",
            "showUnfilled": True,
            "namePlacement": "left",
            "sizing": "auto",
            "minVizHeight": 16,
            "maxVizHeight": 40,
        },
    }
    if time_from:
        panel["timeFrom"] = time_from
    return panel


def table(
    title: str,
    targets: list[dict[str, Any]],
    *,
    rename: dict[str, str],
    sort_by: str,
    overrides: list[dict[str, Any]] | None = None,
    description: str = "",
) -> Panel:
    for t in targets:
        t["format"] = "table"
    return {
        "type": "table",
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "targets": targets,
        "fieldConfig": {
            "defaults": {"custom": {"align": "auto", "cellOptions": {"type": "auto"}}},
            "overrides": overrides or [],
        },
        "options": {
            "showHeader": True,
            "cellHeight": "md",
            "sortBy": [{"displayName": sort_by, "desc": True}],
            "footer": {"show": False, "reducer": ["sum"], "fields": ""},
        },
        "transformations": [
            {"id": "merge", "options": {}},
            {
                "id": "organize",
                "options": {
                    "excludeByName": {"Time": True},
                    "indexByName": {},
                    "renameByName": rename,
                },
            },
        ],
    }


def layout(rows: list[tuple[int, list[tuple[int, Panel]]]]) -> list[Panel]:
    """Places panels row by row: (height, [(width, panel), ...]); widths add up to 24."""
    panels: list[Panel] = []
    y = 0
    for height, row in rows:
        x = 0
        for width, panel in row:
            panel["gridPos"] = {"h": height, "w": width, "x": x, "y": y}
            panel["id"] = len(panels) + 1
            panels.append(panel)
            x += width
        if x != 24:
            raise ValueError(f"row at y={y} is {x} columns wide, not 24")
        y += height
    return panels


def dashboard(uid: str, title: str, panels: list[Panel], *, refresh: str, time_from: str) -> Panel:
    return {
        "uid": uid,
        "title": title,
        "tags": ["мцу"],
        "timezone": "browser",
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": False,
        "graphTooltip": 1,
        "liveNow": False,
        "refresh": refresh,
        "time": {"from": time_from, "to": "now"},
        "timepicker": {},
        "fiscalYearStartMonth": 0,
        "weekStart": "monday",
        "templating": {"list": []},
        "annotations": {
            "list": [
                {
                    "builtIn": 1,
                    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                    "enable": True,
                    "hide": True,
                    "iconColor": "rgba(0, 211, 255, 1)",
                    "name": "Annotations & Alerts",
                    "type": "dashboard",
                }
            ]
        },
        "links": [],
        "panels": panels,
    }


RECEIVED = "mcu_messages_received_total"
TAGGED = "mcu_messages_tagged_total"
RED_ABOVE_ZERO = thresholds((None, "green"), (1, "red"))


def share(numerator: str, window: str) -> str:
    """A share 0..1 over the window that reads 0, not NaN, when nothing arrived."""
    return f"sum(increase({numerator}[{window}])) / clamp_min(sum(increase({TAGGED}[{window}])), 1)"


def operations() -> Panel:
    top = [
        (
            4,
            stat(
                "Поток сейчас, в минуту",
                f"sum(rate({RECEIVED}[5m])) * 60",
                decimals=1,
                description="Сообщений в минуту за последние 5 минут, все источники.",
            ),
        ),
        (
            4,
            stat(
                "Сообщений сегодня",
                f"sum(increase({RECEIVED}[$__range]))",
                time_from="now/d",
                description="С полуночи по времени браузера.",
            ),
        ),
        (
            4,
            stat(
                "Негатив за час",
                share(f'{TAGGED}{{sentiment="negative"}}', "1h"),
                unit="percentunit",
                steps=thresholds((None, "green"), (0.3, "orange"), (0.5, "red")),
            ),
        ),
        (
            4,
            stat(
                "Конфликты за час",
                share("mcu_messages_conflict_total", "1h"),
                unit="percentunit",
                decimals=1,
                steps=thresholds((None, "green"), (0.05, "orange"), (0.1, "red")),
            ),
        ),
        (
            4,
            stat(
                "Инцидентов ждут ответа",
                "sum(mcu_open_items)",
                steps=thresholds((None, "blue")),
                description=(
                    "Инцидент — одна проблема: ветка, сообщения одной категории по одному "
                    "адресу, репосты одного поста; срок ответа — один на инцидент."
                ),
            ),
        ),
        (4, stat("Просрочено", "sum(mcu_overdue_items)", steps=RED_ABOVE_ZERO)),
    ]
    flow = [
        (
            12,
            timeseries(
                "Поток по источникам, сообщений в минуту",
                [
                    target(
                        f"sum by (source) (rate({RECEIVED}[$__rate_interval])) * 60",
                        "{{source}}",
                    )
                ],
                stack=True,
            ),
        ),
        (
            12,
            timeseries(
                "Поток по категориям, сообщений в минуту",
                [
                    target(
                        f"sum by (category) (rate({TAGGED}[$__rate_interval])) * 60",
                        "{{category}}",
                    )
                ],
                stack=True,
            ),
        ),
    ]
    categories = [
        (
            8,
            bars(
                "Категории сегодня",
                f"sort_desc(sum by (category) (increase({TAGGED}[$__range])))",
                "{{category}}",
                time_from="now/d",
                steps=thresholds((None, "blue")),
            ),
        ),
        (
            8,
            timeseries(
                "Доля негатива и конфликтов",
                [
                    target(
                        share(f'{TAGGED}{{sentiment="negative"}}', "30m"),
                        "негатив",
                        ref="A",
                    ),
                    target(share("mcu_messages_conflict_total", "30m"), "конфликты", ref="B"),
                ],
                unit="percentunit",
                description="Скользящее окно 30 минут.",
            ),
        ),
        (
            8,
            bars(
                "Главные проблемы за сутки",
                "topk(10, sum by (category) (increase(mcu_messages_complaint_total[24h])))",
                "{{category}}",
                steps=thresholds((None, "orange")),
                description="Категории с наибольшим числом жалоб за 24 часа.",
            ),
        ),
    ]
    departments = [
        (
            8,
            bars(
                "Инцидентов ждут ответа, по подразделениям",
                "sort_desc(sum by (department) (mcu_open_items))",
                "{{department}}",
                steps=thresholds((None, "blue")),
            ),
        ),
        (
            8,
            bars(
                "Просрочено по подразделениям",
                "sort_desc(sum by (department) (mcu_overdue_items))",
                "{{department}}",
                steps=RED_ABOVE_ZERO,
            ),
        ),
        (
            8,
            bars(
                "Время ответа за неделю, медиана, раб. ч",
                "histogram_quantile(0.5, sum by (department, le) "
                "(increase(mcu_response_hours_bucket[7d])))",
                "{{department}}",
                unit="h",
                decimals=1,
                steps=thresholds((None, "green"), (8, "orange"), (24, "red")),
            ),
        ),
    ]
    feed = [
        (
            14,
            table(
                "Лента оповещений",
                [
                    target(
                        "max by (rule, severity) (mcu_alert_last_fired_timestamp_seconds) * 1000",
                        ref="A",
                        instant=True,
                    ),
                    target(
                        "sum by (rule, severity) (increase(mcu_alerts_fired_total[24h]))",
                        ref="B",
                        instant=True,
                    ),
                    target("sum by (rule, severity) (mcu_alerts_open)", ref="C", instant=True),
                ],
                rename={
                    "rule": "Правило",
                    "severity": "Важность",
                    "Value #A": "Последнее",
                    "Value #B": "За сутки",
                    "Value #C": "Открыто",
                },
                sort_by="Последнее",
                overrides=[
                    {
                        "matcher": {"id": "byName", "options": "Последнее"},
                        "properties": [{"id": "unit", "value": "dateTimeFromNow"}],
                    },
                    {
                        "matcher": {"id": "byName", "options": "Открыто"},
                        "properties": [
                            {"id": "custom.cellOptions", "value": {"type": "color-background"}},
                            {"id": "thresholds", "value": RED_ABOVE_ZERO},
                        ],
                    },
                ],
                description="Последнее срабатывание каждого правила; подробности — в Telegram.",
            ),
        ),
        (
            10,
            table(
                "Рейтинг подразделений",
                [
                    target("max by (department) (mcu_rating_rank)", ref="A", instant=True),
                    target("max by (department) (mcu_rating_score)", ref="B", instant=True),
                    target(
                        "max by (department) (mcu_rating_on_time_share) * 100",
                        ref="C",
                        instant=True,
                    ),
                ],
                rename={
                    "department": "Подразделение",
                    "Value #A": "Место",
                    "Value #B": "Балл",
                    "Value #C": "В срок, %",
                },
                sort_by="Балл",
                description=(
                    "П. 18 Положения о МЦУ, за последние 30 дней (скользящее окно, "
                    "MCU_WORKER__RATINGS_WINDOW_DAYS); методика — reports/METHOD.md."
                ),
            ),
        ),
    ]
    incidents = [
        (
            12,
            bars(
                "Инциденты по состояниям",
                'sum by (state) (mcu_incidents{state!="chatter"})',
                "{{state}}",
                steps=thresholds((None, "blue")),
                description=(
                    "new — новый, in_work — в работе, answered — ответ дан, resolved — решён, "
                    "not_ours — закрыт как не наш; болтовня без вопросов не показана."
                ),
            ),
        ),
        (
            12,
            bars(
                "Открытые инциденты по подразделениям",
                'sort_desc(sum by (department) (mcu_incidents{state=~"new|in_work"}))',
                "{{department}}",
                steps=thresholds((None, "blue")),
            ),
        ),
    ]
    panels = layout(
        [(5, top), (8, flow), (9, categories), (9, departments), (8, incidents), (9, feed)]
    )
    return dashboard(
        "mcu-operations", "МЦУ — оперативный экран", panels, refresh="30s", time_from="now-6h"
    )


def health() -> Panel:
    latency = "mcu_pipeline_latency_seconds_bucket"
    rows = [
        (
            5,
            [
                (
                    4,
                    stat(
                        "Обработчики в строю",
                        'sum(up{job=~"mcu.*"})',
                        steps=thresholds((None, "red"), (1, "green")),
                    ),
                ),
                (
                    5,
                    stat(
                        "Отставание потребителей",
                        "sum(mcu_consumer_lag)",
                        steps=thresholds((None, "green"), (1000, "orange"), (10000, "red")),
                    ),
                ),
                (
                    5,
                    stat(
                        "Мёртвые письма за час",
                        "sum(increase(mcu_deadletter_total[1h]))",
                        steps=RED_ABOVE_ZERO,
                    ),
                ),
                (
                    5,
                    stat(
                        "Ошибки индексации за час",
                        "sum(increase(mcu_index_errors_total[1h]))",
                        steps=RED_ABOVE_ZERO,
                    ),
                ),
                (
                    5,
                    stat(
                        "Задержка до индекса, p95",
                        "histogram_quantile(0.95, sum by (le) "
                        f'(rate({latency}{{stage="indexed"}}[5m])))',
                        unit="s",
                        decimals=2,
                        steps=thresholds((None, "green"), (10, "orange"), (60, "red")),
                    ),
                ),
            ],
        ),
        (
            8,
            [
                (
                    12,
                    timeseries(
                        "Задержка этапов от приёма, p95",
                        [
                            target(
                                f"histogram_quantile(0.95, sum by (stage, le) "
                                f"(rate({latency}[$__rate_interval])))",
                                "{{stage}}",
                            )
                        ],
                        unit="s",
                        description="Приём → размечено → в индексе → оповещение доставлено.",
                    ),
                ),
                (
                    12,
                    timeseries(
                        "Время NLP",
                        [
                            target(
                                "histogram_quantile(0.95, sum by (le) "
                                "(rate(mcu_nlp_batch_seconds_bucket[$__rate_interval])))",
                                "пакет, p95",
                                ref="A",
                            ),
                            target(
                                "sum(rate(mcu_nlp_batch_seconds_sum[$__rate_interval])) / "
                                "clamp_min(sum(rate(mcu_nlp_batch_size_sum[$__rate_interval])),"
                                " 1e-9)",
                                "на сообщение",
                                ref="B",
                            ),
                        ],
                        unit="s",
                    ),
                ),
            ],
        ),
        (
            8,
            [
                (
                    8,
                    timeseries(
                        "Отставание по топикам",
                        [target("sum by (topic) (mcu_consumer_lag)", "{{topic}}")],
                    ),
                ),
                (
                    8,
                    timeseries(
                        "Мёртвые письма по причинам, в минуту",
                        [
                            target(
                                "sum by (reason) (rate(mcu_deadletter_total[$__rate_interval]))"
                                " * 60",
                                "{{reason}}",
                            )
                        ],
                    ),
                ),
                (
                    8,
                    timeseries(
                        "Индексация, документов в секунду",
                        [
                            target(
                                "sum(rate(mcu_messages_indexed_total[$__rate_interval]))",
                                "записано",
                                ref="A",
                            ),
                            target(
                                "sum by (reason) (rate(mcu_index_errors_total[$__rate_interval]))",
                                "ошибка: {{reason}}",
                                ref="B",
                            ),
                        ],
                    ),
                ),
            ],
        ),
        (
            8,
            [
                (
                    8,
                    timeseries(
                        "Оповещения по правилам, за час",
                        [
                            target(
                                "sum by (rule) (increase(mcu_alerts_fired_total[1h]))",
                                "{{rule}}",
                            )
                        ],
                    ),
                ),
                (
                    8,
                    timeseries(
                        "Приняты и закрыты, за час",
                        [
                            target(
                                "sum by (severity) (increase(mcu_alerts_acknowledged_total[1h]))",
                                "принято: {{severity}}",
                                ref="A",
                            ),
                            target(
                                "sum by (severity) (increase(mcu_alerts_resolved_total[1h]))",
                                "закрыто: {{severity}}",
                                ref="B",
                            ),
                        ],
                    ),
                ),
                (
                    8,
                    timeseries(
                        "Доставка оповещений, за час",
                        [
                            target(
                                "sum by (channel, result) (increase(mcu_notifications_total[1h]))",
                                "{{channel}}: {{result}}",
                            )
                        ],
                    ),
                ),
            ],
        ),
        (
            7,
            [
                (
                    12,
                    timeseries(
                        "Память обработчиков",
                        [
                            target(
                                'process_resident_memory_bytes{job=~"mcu.*"}',
                                "{{instance}}",
                            )
                        ],
                        unit="bytes",
                    ),
                ),
                (
                    12,
                    timeseries(
                        "Процессор обработчиков",
                        [
                            target(
                                'rate(process_cpu_seconds_total{job=~"mcu.*"}[$__rate_interval])',
                                "{{instance}}",
                            )
                        ],
                        unit="percentunit",
                    ),
                ),
            ],
        ),
    ]
    rows.insert(1, sources())
    return dashboard(
        "mcu-health", "МЦУ — состояние системы", layout(rows), refresh="30s", time_from="now-3h"
    )


def sources() -> tuple[int, list[tuple[int, Panel]]]:
    """The connectors (job mcu-connectors): fetched, lag, API errors, last poll per source."""
    return (
        8,
        [
            (
                6,
                bars(
                    "Получено из источников за час",
                    "sort_desc(sum by (source) (increase(mcu_connector_fetched_total[1h])))",
                    "{{source}}",
                    steps=thresholds((None, "blue")),
                    description="Сообщений, отправленных коннекторами в mcu.messages.raw.",
                ),
            ),
            (
                6,
                timeseries(
                    "Отставание от источников",
                    [target("max by (connector) (mcu_connector_lag_seconds)", "{{connector}}")],
                    unit="s",
                    description="Сейчас минус время самого нового сообщения у коннектора.",
                ),
            ),
            (
                6,
                timeseries(
                    "Ошибки API источников, за час",
                    [
                        target(
                            "sum by (connector, code) "
                            "(increase(mcu_connector_api_errors_total[1h]))",
                            "{{connector}}: {{code}}",
                        )
                    ],
                    description="VK 6/9/29, HTTP 429 и FLOOD_WAIT, сбои сети, отказ в доступе.",
                ),
            ),
            (
                6,
                bars(
                    "Последний успешный опрос, с назад",
                    "time() - max by (connector) (mcu_connector_last_poll_timestamp_seconds)",
                    "{{connector}}",
                    unit="s",
                    steps=thresholds((None, "green"), (300, "orange"), (900, "red")),
                    description="Коннектор остановлен или не достучался до источника, если долго.",
                ),
            ),
        ],
    )


DASHBOARDS = {"mcu-operations.json": operations, "mcu-health.json": health}


def render() -> dict[str, str]:
    """File name to JSON text of every dashboard."""
    return {
        name: json.dumps(build(), ensure_ascii=False, indent=2) + "\n"
        for name, build in DASHBOARDS.items()
    }


def queries(board: Panel) -> list[tuple[str, str, str]]:
    """(panel title, refId, expr) of every target of a dashboard."""
    return [
        (panel["title"], t["refId"], t["expr"])
        for panel in board["panels"]
        for t in panel.get("targets", [])
    ]


def expand(expr: str, *, rate_interval: str, range_: str) -> str:
    """The expr as Grafana sends it, with its variables replaced by concrete durations."""
    return expr.replace("$__rate_interval", rate_interval).replace("$__range", range_)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"записано: {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
