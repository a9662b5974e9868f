"""Builds the faust app: topics, agents and the metrics endpoint, all from one Settings."""

from __future__ import annotations

import faust
from prometheus_client import CollectorRegistry

from nlp.config import load_config
from streams import acks
from streams.context import Context, Topics
from streams.metrics import Metrics
from streams.settings import KafkaSettings, Settings


def broker_credentials(kafka: KafkaSettings) -> faust.SASLCredentials | None:
    """SASL (SCRAM in docker-compose) for faust's aiokafka clients; None on a PLAINTEXT broker."""
    if kafka.security_protocol == "PLAINTEXT":
        return None
    import ssl

    context = None
    if kafka.security_protocol == "SASL_SSL":
        cafile = str(kafka.ssl_cafile) if kafka.ssl_cafile else None
        context = ssl.create_default_context(cafile=cafile)
    password = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
    return faust.SASLCredentials(
        username=kafka.sasl_username,
        password=password,
        mechanism=kafka.sasl_mechanism,
        ssl_context=context,
    )


def create_app(settings: Settings, registry: CollectorRegistry | None = None) -> Context:
    acks.install()
    app = faust.App(
        settings.worker.app_id,
        broker=f"kafka://{settings.kafka.bootstrap}",
        broker_credentials=broker_credentials(settings.kafka),
        # Tables live in memory and are rebuilt from their Kafka changelog topics on start.
        store="memory://",
        topic_partitions=settings.kafka.partitions,
        topic_replication_factor=settings.kafka.replicas,
        web_host="127.0.0.1",
        web_port=settings.worker.web_port,
        datadir=str(settings.worker.data_dir),
        key_serializer="raw",
        value_serializer="raw",
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # Records sent within a few milliseconds share one request: far fewer produce calls.
        producer_linger_ms=5,
        broker_commit_every=100,
        broker_commit_interval=1.0,
        stream_wait_empty=False,
    )

    def topic(name: str) -> faust.TopicT:
        return app.topic(
            name, key_type=bytes, value_type=bytes, partitions=settings.kafka.partitions
        )

    names = settings.kafka.topics
    ctx = Context(
        app=app,
        settings=settings,
        topics=Topics(
            raw=topic(names.raw),
            tagged=topic(names.tagged),
            deadletter=topic(names.deadletter),
            responses=topic(names.responses),
            alerts=topic(names.alerts),
            status=topic(names.status),
        ),
        metrics=Metrics(registry or CollectorRegistry()),
    )
    from streams.agents import index, lag, ratings, tag

    ctx.metrics.init_categories(list(load_config().categories))
    tag.install(ctx)
    department_for = None
    departments: list[str] = []
    if settings.alerts.enabled:
        from streams.alerting import api, core, feeds, runtime, status

        rt = runtime.build(
            app, names.control, settings.kafka.partitions, settings.alerts, settings.worker.data_dir
        )
        department_for = rt.engine.department_for
        departments = [d.id for d in rt.config.roster.departments]
        feeds.install(ctx, rt)
        core.install(ctx, rt)
        api.install(ctx, rt)
        status.install(ctx)
    index.install(ctx, department_for)
    lag.install(ctx)
    ratings.install(ctx, departments)
    return ctx
