"""Writes the analysts' saved objects for Kibana 8 and OpenSearch Dashboards 2 (NDJSON).

Run `python kibana/build.py` after a change; both files are committed and imported by
kibana/import.sh (docker-compose runs it once Kibana answers). The objects use the
7.10 shapes that both products import and migrate: a data view over mcu-messages-*,
saved searches, aggregation-based visualizations and one dashboard.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "saved_objects"
PATTERN_ID = "mcu-messages"
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
COLUMNS = ["source", "department", "nlp.category", "nlp.sentiment", "status", "text", "url"]
TARGETS = {
    "kibana": {"file": "kibana.ndjson", "panel_version": "8.15.0"},
    "opensearch-dashboards": {"file": "opensearch-dashboards.ndjson", "panel_version": "2.19.0"},
}
MIGRATION = {
    "index-pattern": "7.6.0",
    "search": "7.9.3",
    "visualization": "7.10.0",
    "dashboard": "7.9.3",
}

Obj = dict[str, Any]

SEARCHES = [
    (
        "mcu-search-negative-24h",
        "Негатив за сутки",
        'nlp.sentiment : "negative" and created_at >= "now-24h"',
        "Негативные сообщения граждан за последние 24 часа.",
    ),
    (
        "mcu-search-overdue",
        "Просроченные",
        'needs_response : true and status : "open" and deadline < "now"',
        "Сообщения, ждущие ответа, срок ответа по которым истёк.",
    ),
    (
        "mcu-search-conflicts",
        "Конфликты",
        "nlp.conflict : true",
        "Конфликтные сообщения: агрессия, возмущение, обвинения, призывы к действиям.",
    ),
    (
        "mcu-search-complaints-open",
        "Жалобы без ответа",
        'nlp.is_complaint : true and status : "open"',
        "Жалобы, на которые ещё нет официального ответа.",
    ),
    (
        "mcu-search-formal-replies",
        "Отписки и грубые ответы",
        'kind : "reply" and (nlp.formal_reply : true or nlp.rude_reply : true)',
        "Официальные ответы без сути или грубые: материал для разбора с подразделением.",
    ),
]


def source_json(query: str = "", filters: list[Obj] | None = None, index: bool = True) -> str:
    body: Obj = {"query": {"query": query, "language": "kuery"}, "filter": filters or []}
    if index:
        body["indexRefName"] = INDEX_REF
    return json.dumps(body, ensure_ascii=False)


def pattern_ref() -> list[Obj]:
    return [{"name": INDEX_REF, "type": "index-pattern", "id": PATTERN_ID}]


def data_view(target: str) -> Obj:
    attributes: Obj = {
        "title": "mcu-messages-*",
        "timeFieldName": "created_at",
        "fieldFormatMap": json.dumps(
            {"url": {"id": "url", "params": {"labelTemplate": "открыть"}}}, ensure_ascii=False
        ),
    }
    if target == "kibana":
        attributes["name"] = "Сообщения граждан (МЦУ)"
    else:
        attributes["fields"] = "[]"
    return {"id": PATTERN_ID, "type": "index-pattern", "attributes": attributes, "references": []}


def search(id_: str, title: str, query: str, description: str) -> Obj:
    return {
        "id": id_,
        "type": "search",
        "attributes": {
            "title": title,
            "description": description,
            "columns": COLUMNS,
            "sort": [["created_at", "desc"]],
            "kibanaSavedObjectMeta": {"searchSourceJSON": source_json(query)},
        },
        "references": pattern_ref(),
    }


def agg_count() -> Obj:
    return {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}}


def agg_terms(id_: str, field: str, schema: str, size: int, label: str) -> Obj:
    return {
        "id": id_,
        "enabled": True,
        "type": "terms",
        "schema": schema,
        "params": {
            "field": field,
            "orderBy": "1",
            "order": "desc",
            "size": size,
            "otherBucket": False,
            "missingBucket": False,
            "customLabel": label,
        },
    }


def visualization(
    id_: str, title: str, vis_type: str, params: Obj, aggs: list[Obj], query: str = ""
) -> Obj:
    state = {"title": title, "type": vis_type, "params": params, "aggs": aggs}
    return {
        "id": id_,
        "type": "visualization",
        "attributes": {
            "title": title,
            "description": "",
            "uiStateJSON": "{}",
            "version": 1,
            "visState": json.dumps(state, ensure_ascii=False),
            "kibanaSavedObjectMeta": {"searchSourceJSON": source_json(query)},
        },
        "references": pattern_ref(),
    }


def table_params() -> Obj:
    return {
        "perPage": 15,
        "showPartialRows": False,
        "showMetricsAtAllLevels": False,
        "showTotal": True,
        "totalFunc": "sum",
        "percentageCol": "",
    }


def pie_params() -> Obj:
    return {
        "type": "pie",
        "addTooltip": True,
        "addLegend": True,
        "legendPosition": "right",
        "isDonut": True,
        "labels": {"show": True, "values": True, "last_level": True, "truncate": 100},
    }


def histogram_params() -> Obj:
    return {
        "type": "histogram",
        "grid": {"categoryLines": False},
        "categoryAxes": [
            {
                "id": "CategoryAxis-1",
                "type": "category",
                "position": "bottom",
                "show": True,
                "scale": {"type": "linear"},
                "labels": {"show": True, "filter": True, "truncate": 100},
                "title": {},
            }
        ],
        "valueAxes": [
            {
                "id": "ValueAxis-1",
                "name": "LeftAxis-1",
                "type": "value",
                "position": "left",
                "show": True,
                "scale": {"type": "linear", "mode": "normal"},
                "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                "title": {"text": "Сообщений"},
            }
        ],
        "seriesParams": [
            {
                "show": True,
                "type": "histogram",
                "mode": "stacked",
                "data": {"label": "Сообщений", "id": "1"},
                "valueAxis": "ValueAxis-1",
                "drawLinesBetweenPoints": True,
                "showCircles": True,
            }
        ],
        "addTooltip": True,
        "addLegend": True,
        "legendPosition": "right",
        "times": [],
        "addTimeMarker": False,
    }


def date_histogram() -> Obj:
    return {
        "id": "2",
        "enabled": True,
        "type": "date_histogram",
        "schema": "segment",
        "params": {
            "field": "created_at",
            "useNormalizedEsInterval": True,
            "interval": "auto",
            "drop_partials": False,
            "min_doc_count": 1,
            "extended_bounds": {},
            "customLabel": "Время",
        },
    }


def visualizations() -> list[Obj]:
    return [
        visualization(
            "mcu-vis-flow-by-source",
            "Поток сообщений по источникам",
            "histogram",
            histogram_params(),
            [agg_count(), date_histogram(), agg_terms("3", "source", "group", 6, "Источник")],
        ),
        visualization(
            "mcu-vis-categories",
            "Сообщения по категориям",
            "pie",
            pie_params(),
            [agg_count(), agg_terms("2", "nlp.category", "segment", 12, "Категория")],
        ),
        visualization(
            "mcu-vis-problem-addresses",
            "Адреса с жалобами",
            "table",
            table_params(),
            [
                agg_count(),
                agg_terms("2", "nlp.addresses", "bucket", 20, "Адрес"),
                agg_terms("3", "nlp.category", "bucket", 3, "Категория"),
            ],
            query="nlp.is_complaint : true",
        ),
        visualization(
            "mcu-vis-overdue-by-department",
            "Просрочено по подразделениям",
            "table",
            table_params(),
            [agg_count(), agg_terms("2", "department", "bucket", 30, "Подразделение")],
            query='needs_response : true and status : "open" and deadline < "now"',
        ),
    ]


def dashboard(panels: list[Obj], version: str) -> Obj:
    layout = [(0, 0, 48, 12), (0, 12, 24, 15), (24, 12, 24, 15), (0, 27, 24, 15), (24, 27, 24, 15)]
    layout += [(0, 42 + 15 * i, 48, 15) for i in range(len(panels) - len(layout))]
    entries, refs = [], []
    for n, (obj, (x, y, w, h)) in enumerate(zip(panels, layout, strict=True)):
        ref = f"panel_{n}"
        entries.append(
            {
                "version": version,
                "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(n + 1)},
                "panelIndex": str(n + 1),
                "embeddableConfig": {},
                "panelRefName": ref,
            }
        )
        refs.append({"name": ref, "type": obj["type"], "id": obj["id"]})
    return {
        "id": "mcu-dashboard-analytics",
        "type": "dashboard",
        "attributes": {
            "title": "МЦУ — аналитика сообщений граждан",
            "description": "Поток, категории, адреса, просрочки и конфликты (mcu-messages-*).",
            "hits": 0,
            "version": 1,
            "timeRestore": True,
            "timeFrom": "now-7d",
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 0},
            "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
            "panelsJSON": json.dumps(entries, ensure_ascii=False),
            "kibanaSavedObjectMeta": {"searchSourceJSON": source_json(index=False)},
        },
        "references": refs,
    }


def objects(target: str) -> list[Obj]:
    """Every saved object for one product, referenced objects first."""
    searches = [search(*s) for s in SEARCHES]
    vis = visualizations()
    by_id = {o["id"]: o for o in searches}
    panels = [*vis, by_id["mcu-search-conflicts"], by_id["mcu-search-overdue"]]
    board = dashboard(panels, TARGETS[target]["panel_version"])
    out = [data_view(target), *searches, *vis, board]
    for obj in out:
        obj["migrationVersion"] = {obj["type"]: MIGRATION[obj["type"]]}
    return out


def kql_fields(query: str) -> set[str]:
    """Field names a KQL query compares (`field : value`, `field < value`), quotes skipped."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', query)
    return set(re.findall(r"([A-Za-z_][\w.]*)\s*(?::|<=|>=|<|>)", bare))


def fields_used(obj: Obj) -> set[str]:
    """Every index field a saved object reads: time field, columns, sort, queries, aggregations."""
    attrs = obj["attributes"]
    used: set[str] = set()
    if obj["type"] == "index-pattern":
        used.add(attrs["timeFieldName"])
        used.update(json.loads(attrs.get("fieldFormatMap") or "{}"))
    used.update(attrs.get("columns", []))
    used.update(field for field, _order in attrs.get("sort", []))
    meta = attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
    if meta:
        source = json.loads(meta)
        used |= kql_fields(source.get("query", {}).get("query", ""))
        used.update(f["meta"]["key"] for f in source.get("filter", []))
    if "visState" in attrs:
        for agg in json.loads(attrs["visState"])["aggs"]:
            if "field" in agg["params"]:
                used.add(agg["params"]["field"])
    return used


def aggregated_fields(obj: Obj) -> set[str]:
    """Fields a visualization buckets on (they must be keyword, date, number or boolean)."""
    if "visState" not in obj["attributes"]:
        return set()
    aggs = json.loads(obj["attributes"]["visState"])["aggs"]
    return {a["params"]["field"] for a in aggs if "field" in a["params"]}


def render() -> dict[str, str]:
    """File name to NDJSON text for every target product."""
    return {
        spec["file"]: "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects(target))
        for target, spec in TARGETS.items()
    }


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"записано: {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
