"""Apache Kafka, one node in KRaft mode (broker and controller), from the Maven jars."""

from __future__ import annotations

import base64
import socket
import subprocess
import uuid

from devstack.layout import Layout
from devstack.process import Managed
from devstack.server import Server
from devstack.settings import DevstackSettings

LOG4J = """log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
"""


def properties(layout: Layout, cfg: DevstackSettings) -> str:
    data = layout.data / "kafka"
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{cfg.kafka_controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{cfg.kafka_port},"
            f"CONTROLLER://127.0.0.1:{cfg.kafka_controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{cfg.kafka_port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={data}",
            "num.partitions=4",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=8",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            "log.retention.hours=168",
            "",
        ]
    )


def _java_argv(layout: Layout, heap: str, main: str, *args: str) -> list[str]:
    conf = layout.conf / "kafka"
    return [
        "java",
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration=file:{conf / 'log4j.properties'}",
        "-cp",
        f"{layout.lib / 'kafka'}/*",
        main,
        *args,
    ]


def _format_storage(layout: Layout, props: str) -> None:
    data = layout.data / "kafka"
    if (data / "meta.properties").exists():
        return
    # Like Kafka's own Uuid.randomUuid: an id starting with "-" reads as an option to the tool.
    cluster_id = "-"
    while cluster_id.startswith("-"):
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
    argv = _java_argv(
        layout, "256m", "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", props
    )
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"Не удалось разметить хранилище Kafka:\n{result.stdout}{result.stderr}")


def kafka_server(layout: Layout, cfg: DevstackSettings) -> Server:
    process = Managed("kafka", layout.run)
    conf = layout.conf / "kafka"
    props = conf / "server.properties"

    def start() -> None:
        conf.mkdir(parents=True, exist_ok=True)
        props.write_text(properties(layout, cfg))
        (conf / "log4j.properties").write_text(LOG4J)
        _format_storage(layout, str(props))
        argv = _java_argv(layout, cfg.kafka_heap, "kafka.Kafka", str(props))
        process.start(argv, marker=str(props))

    def ready() -> bool:
        return _kafka_answers(f"127.0.0.1:{cfg.kafka_port}")

    return Server(
        name="kafka",
        title="Kafka",
        address=f"127.0.0.1:{cfg.kafka_port}",
        process=process,
        start=start,
        ready=ready,
    )


def _kafka_answers(bootstrap: str) -> bool:
    host, port = bootstrap.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    except (KafkaError, OSError, ValueError):
        return False
    try:
        admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        admin.close()
