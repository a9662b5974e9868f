"""Every Prometheus metric of МЦУ monitor, defined once, registered in a registry per app.

Agents get one `Metrics` object (built with the app's own `CollectorRegistry`) and
increment its fields; `start_metrics_server(registry, port)` serves `/metrics`.
Label values come from closed sets (sources, rubricator categories, roster departments,
rule names), never from free text, so series stay bounded.

Metrics (name {labels}: meaning):

Flow
- mcu_messages_received_total {source, kind}: messages consumed from mcu.messages.raw.
- mcu_messages_tagged_total {source, category, sentiment}: messages tagged by NLP;
  negative share = sentiment="negative" / all.
- mcu_messages_conflict_total {source, category}: tagged messages with nlp.conflict.
- mcu_messages_complaint_total {source, category}: tagged messages with nlp.is_complaint.
- mcu_messages_indexed_total {source}: documents written to the search engine.
- mcu_deadletter_total {stage, reason}: records sent to mcu.deadletter (stages: DEADLETTER_STAGES,
  reasons: DEADLETTER_REASONS).
- mcu_index_errors_total {reason}: documents the search engine rejected or could not take
  (reasons: INDEX_ERROR_REASONS).

Latency
- mcu_pipeline_latency_seconds {stage} (histogram): seconds from ingestion (ingested_at) until
  the stage finished; stage in STAGES = tagged, indexed, alert_delivered.
- mcu_nlp_batch_seconds (histogram): wall time of one Tagger.tag_many call.
- mcu_nlp_batch_size (histogram): messages in one Tagger.tag_many call.

Alerts
- mcu_alerts_fired_total {rule, severity}: alerts raised by the rules agent.
- mcu_alerts_acknowledged_total {rule, severity}: alerts acknowledged (Telegram button, HTTP API).
- mcu_alerts_resolved_total {rule, severity}: alerts resolved.
- mcu_alerts_open {rule, severity}: alerts fired and not yet resolved (gauge).
- mcu_alert_last_fired_timestamp_seconds {rule, severity}: Unix time of the last alert (gauge).
- mcu_notifications_total {channel, result}: deliveries, channel email|telegram,
  result sent|failed|suppressed (suppressed = silence, quiet hours or duplicate).

Departments
- mcu_open_items {department}: incidents waiting for the department's reply (gauge).
- mcu_overdue_items {department}: open incidents past their deadline (gauge).
- mcu_incidents {department, state}: incidents held, by state new / in_work / answered /
  resolved / not_ours / chatter (gauge; summed over workers).
- mcu_response_hours {department} (histogram): working hours from a message to the first
  official reply.
- mcu_replies_total {department, formal}: official replies; formal="true" is an отписка.

Ratings (item 18 of the regulation; set from reports.ratings, see reports/METHOD.md)
- mcu_rating_received {department}, mcu_rating_on_time_share {department},
  mcu_rating_response_hours_median {department}, mcu_rating_response_hours_p90 {department},
  mcu_rating_completeness {department}, mcu_rating_satisfaction {department},
  mcu_rating_score {department}, mcu_rating_rank {department} (gauges; NaN when not measurable).
- mcu_rating_period_end_timestamp_seconds: end of the rated period (gauge).

Kafka
- mcu_consumer_lag {topic, partition}: messages behind the log end offset (gauge).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

SOURCES = ("vk", "telegram", "ok", "max", "pos", "email", "site", "other")
KINDS = ("post", "comment", "appeal", "reply")
SENTIMENTS = ("negative", "neutral", "positive")
STAGES = ("tagged", "indexed", "alert_delivered")
DEADLETTER_REASONS = (
    "invalid_json",
    "invalid_message",
    "nlp_error",
    "too_large",
    "index_rejected",
    "internal",
)
DEADLETTER_STAGES = ("tag", "index", "alerts", "status")
INDEX_ERROR_REASONS = ("rejected", "mapping", "unavailable", "timeout", "retried")
CHANNELS = ("email", "telegram")
DELIVERY_RESULTS = ("sent", "failed", "suppressed")

# Seconds from ingestion: the pipeline target is seconds, alert delivery may wait for grouping.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
NLP_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
# Working hours: the regulation's answers are due within days, one working day is 8 hours.
RESPONSE_BUCKETS = (1.0, 2.0, 4.0, 8.0, 16.0, 24.0, 40.0, 80.0, 160.0)


class DepartmentRatingLike(Protocol):
    """What `Metrics.set_ratings` reads (reports.ratings.DepartmentRating has it)."""

    @property
    def department(self) -> str: ...
    @property
    def received(self) -> int: ...
    @property
    def on_time_share(self) -> float | None: ...
    @property
    def median_hours(self) -> float | None: ...
    @property
    def p90_hours(self) -> float | None: ...
    @property
    def completeness(self) -> float | None: ...
    @property
    def satisfaction(self) -> float | None: ...
    @property
    def score(self) -> float | None: ...
    @property
    def rank(self) -> int: ...


def _value(x: float | None) -> float:
    return math.nan if x is None else float(x)


class RatingGauges:
    """The department rating gauges alone, for `mcu ratings --metrics-port` and the worker."""

    def __init__(self, registry: CollectorRegistry) -> None:
        def gauge(name: str, doc: str) -> Gauge:
            return Gauge(name, doc, ["department"], registry=registry)

        self.received = gauge("mcu_rating_received", "Рейтинг: получено")
        self.on_time_share = gauge("mcu_rating_on_time_share", "Рейтинг: доля в срок")
        self.median_hours = gauge(
            "mcu_rating_response_hours_median", "Рейтинг: медиана ответа, рабочие часы"
        )
        self.p90_hours = gauge(
            "mcu_rating_response_hours_p90", "Рейтинг: 90-й процентиль ответа, рабочие часы"
        )
        self.completeness = gauge("mcu_rating_completeness", "Рейтинг: полнота")
        self.satisfaction = gauge("mcu_rating_satisfaction", "Рейтинг: удовлетворённость")
        self.score = gauge("mcu_rating_score", "Рейтинг: балл")
        self.rank = gauge("mcu_rating_rank", "Рейтинг: место")
        self.period_end = Gauge(
            "mcu_rating_period_end_timestamp_seconds", "Рейтинг: конец периода", registry=registry
        )

    def set(self, ratings: Iterable[DepartmentRatingLike], period_end: float) -> None:
        """Publishes a computed rating, replacing the previous one."""
        per_department = (
            self.received,
            self.on_time_share,
            self.median_hours,
            self.p90_hours,
            self.completeness,
            self.satisfaction,
            self.score,
            self.rank,
        )
        for gauge in per_department:
            gauge.clear()
        for row in ratings:
            d = row.department
            self.received.labels(department=d).set(row.received)
            self.on_time_share.labels(department=d).set(_value(row.on_time_share))
            self.median_hours.labels(department=d).set(_value(row.median_hours))
            self.p90_hours.labels(department=d).set(_value(row.p90_hours))
            self.completeness.labels(department=d).set(_value(row.completeness))
            self.satisfaction.labels(department=d).set(_value(row.satisfaction))
            self.score.labels(department=d).set(_value(row.score))
            self.rank.labels(department=d).set(row.rank)
        self.period_end.set(period_end)


class Metrics:
    """The metric objects of one app; build one per registry (one per worker or test)."""

    def __init__(self, registry: CollectorRegistry, *, process: bool = True) -> None:
        self.registry = registry
        if process:
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
        r = registry
        self.messages_received = Counter(
            "mcu_messages_received", "Сообщения из mcu.messages.raw", ["source", "kind"], registry=r
        )
        self.messages_tagged = Counter(
            "mcu_messages_tagged",
            "Размеченные сообщения",
            ["source", "category", "sentiment"],
            registry=r,
        )
        self.messages_conflict = Counter(
            "mcu_messages_conflict", "Конфликтные сообщения", ["source", "category"], registry=r
        )
        self.messages_complaint = Counter(
            "mcu_messages_complaint", "Жалобы", ["source", "category"], registry=r
        )
        self.messages_indexed = Counter(
            "mcu_messages_indexed", "Записано в поисковый индекс", ["source"], registry=r
        )
        self.deadletter = Counter(
            "mcu_deadletter", "Отправлено в mcu.deadletter", ["stage", "reason"], registry=r
        )
        self.index_errors = Counter("mcu_index_errors", "Ошибки индексации", ["reason"], registry=r)
        self.pipeline_latency = Histogram(
            "mcu_pipeline_latency_seconds",
            "Секунды от приёма сообщения до конца этапа",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.nlp_batch_seconds = Histogram(
            "mcu_nlp_batch_seconds", "Время разметки пакета", buckets=NLP_BUCKETS, registry=r
        )
        self.nlp_batch_size = Histogram(
            "mcu_nlp_batch_size", "Сообщений в пакете разметки", buckets=BATCH_BUCKETS, registry=r
        )
        self.alerts_fired = Counter(
            "mcu_alerts_fired", "Оповещения", ["rule", "severity"], registry=r
        )
        self.alerts_acknowledged = Counter(
            "mcu_alerts_acknowledged", "Принятые оповещения", ["rule", "severity"], registry=r
        )
        self.alerts_resolved = Counter(
            "mcu_alerts_resolved", "Закрытые оповещения", ["rule", "severity"], registry=r
        )
        self.alerts_open = Gauge(
            "mcu_alerts_open", "Открытые оповещения", ["rule", "severity"], registry=r
        )
        self.alert_last_fired = Gauge(
            "mcu_alert_last_fired_timestamp_seconds",
            "Время последнего оповещения",
            ["rule", "severity"],
            registry=r,
        )
        self.notifications = Counter(
            "mcu_notifications", "Доставка оповещений", ["channel", "result"], registry=r
        )
        self.open_items = Gauge("mcu_open_items", "Ожидают ответа", ["department"], registry=r)
        self.overdue_items = Gauge("mcu_overdue_items", "Просрочены", ["department"], registry=r)
        self.incidents = Gauge(
            "mcu_incidents", "Инциденты в памяти", ["department", "state"], registry=r
        )
        self.response_hours = Histogram(
            "mcu_response_hours",
            "Рабочие часы до первого ответа",
            ["department"],
            buckets=RESPONSE_BUCKETS,
            registry=r,
        )
        self.replies = Counter(
            "mcu_replies", "Официальные ответы", ["department", "formal"], registry=r
        )
        self.consumer_lag = Gauge(
            "mcu_consumer_lag", "Отставание потребителя", ["topic", "partition"], registry=r
        )
        self.ratings = RatingGauges(r)
        self._init_fixed_labels()

    def _init_fixed_labels(self) -> None:
        # Series exist at zero from the start, so rate() and the screen show 0, not "no data".
        for source in SOURCES:
            self.messages_indexed.labels(source=source)
            for kind in KINDS:
                self.messages_received.labels(source=source, kind=kind)
        for stage in STAGES:
            self.pipeline_latency.labels(stage=stage)
        for stage in DEADLETTER_STAGES:
            for reason in DEADLETTER_REASONS:
                self.deadletter.labels(stage=stage, reason=reason)
        for reason in INDEX_ERROR_REASONS:
            self.index_errors.labels(reason=reason)
        for channel in CHANNELS:
            for result in DELIVERY_RESULTS:
                self.notifications.labels(channel=channel, result=result)

    def init_categories(self, categories: Iterable[str]) -> None:
        """Creates the per-category series at zero (call with the rubricator at start)."""
        for category in categories:
            for source in SOURCES:
                self.messages_conflict.labels(source=source, category=category)
                self.messages_complaint.labels(source=source, category=category)
                for sentiment in SENTIMENTS:
                    self.messages_tagged.labels(
                        source=source, category=category, sentiment=sentiment
                    )

    def init_departments(self, departments: Iterable[str]) -> None:
        """Creates the per-department series at zero (call with the roster at start)."""
        for department in departments:
            self.open_items.labels(department=department).set(0)
            self.overdue_items.labels(department=department).set(0)
            self.response_hours.labels(department=department)
            for formal in ("true", "false"):
                self.replies.labels(department=department, formal=formal)

    def init_rules(self, rules: Iterable[tuple[str, str]]) -> None:
        """Creates the per-rule alert series at zero from (rule name, severity) pairs."""
        for rule, severity in rules:
            self.alerts_fired.labels(rule=rule, severity=severity)
            self.alerts_acknowledged.labels(rule=rule, severity=severity)
            self.alerts_resolved.labels(rule=rule, severity=severity)
            self.alerts_open.labels(rule=rule, severity=severity).set(0)

    @staticmethod
    def source(name: object) -> str:
        """A bounded label for a source: its name when known, else "other"."""
        return name if isinstance(name, str) and name in SOURCES else "other"

    def observe_tagged(
        self, *, source: str, category: str, sentiment: str, conflict: bool, complaint: bool
    ) -> None:
        """Counts one tagged message (flow, negative, conflict and complaint shares)."""
        self.messages_tagged.labels(source=source, category=category, sentiment=sentiment).inc()
        if conflict:
            self.messages_conflict.labels(source=source, category=category).inc()
        if complaint:
            self.messages_complaint.labels(source=source, category=category).inc()

    def alert_fired(self, *, rule: str, severity: str, at: float) -> None:
        """Counts a new alert and stamps the alert feed."""
        self.alerts_fired.labels(rule=rule, severity=severity).inc()
        self.alerts_open.labels(rule=rule, severity=severity).inc()
        self.alert_last_fired.labels(rule=rule, severity=severity).set(at)

    def alert_resolved(self, *, rule: str, severity: str) -> None:
        """Counts a resolved alert and takes it off the open gauge."""
        self.alerts_resolved.labels(rule=rule, severity=severity).inc()
        self.alerts_open.labels(rule=rule, severity=severity).dec()

    def set_ratings(self, ratings: Iterable[DepartmentRatingLike], period_end: float) -> None:
        """Publishes a computed department rating (replaces the previous one)."""
        self.ratings.set(ratings, period_end)


def start_metrics_server(
    registry: CollectorRegistry, port: int, addr: str = "127.0.0.1"
) -> WSGIServer:
    """Serves /metrics of this registry on addr:port in a daemon thread; shutdown() stops it."""
    server, _thread = start_http_server(port, addr=addr, registry=registry)
    return server
