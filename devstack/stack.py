"""The whole local stack: which servers, in which order, up / down / status."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable

from devstack import sources
from devstack.dovecot import dovecot_server
from devstack.fetch import fetch, require
from devstack.kafka import kafka_server
from devstack.layout import Layout
from devstack.opensearch import opensearch_server
from devstack.process import Managed
from devstack.prometheus import prometheus_server
from devstack.server import Server
from devstack.settings import StackSettings


def _python_server(layout: Layout, name: str, title: str, module: str, port: int) -> Server:
    process = Managed(name, layout.run)
    out = layout.data / f"{name}.jsonl"

    def start() -> None:
        layout.data.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", module, "--port", str(port), "--out", str(out)]
        process.start(argv, marker=f"{module} --port {port}")

    def ready() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    return Server(name, title, f"127.0.0.1:{port}", process, start, ready, timeout=30)


def servers(settings: StackSettings) -> list[Server]:
    cfg = settings.devstack
    layout = Layout.at(cfg.dir)
    return [
        kafka_server(layout, cfg),
        opensearch_server(layout, cfg),
        prometheus_server(layout, cfg, settings.worker),
        _python_server(layout, "smtp", "SMTP-сервер", "devstack.smtp_sink", cfg.smtp_port),
        _python_server(layout, "botapi", "Telegram Bot API", "devstack.botapi", cfg.botapi_port),
        dovecot_server(layout, cfg),
    ]


def up(settings: StackSettings, say: Callable[[str], None] = print) -> list[Server]:
    """Starts what is not running and waits for every server; running ones are left alone."""
    layout = Layout.at(settings.devstack.dir)
    require("java", "Установите Java 17: apt-get install openjdk-17-jdk-headless.")
    fetch(layout)
    started = servers(settings)
    for server in started:
        if server.process.pid() is None:
            if server.ready():
                raise RuntimeError(
                    f"Порт {server.address} уже занят чужим процессом; {server.title} не запущен. "
                    "Освободите порт или задайте другой (MCU_DEVSTACK__...)."
                )
            server.start()
            state = "запущен"
        else:
            state = "уже работал"
        server.wait_ready()
        say(f"{server.title}: {state}, {server.address}")
    return started


def down(settings: StackSettings, say: Callable[[str], None] = print) -> None:
    """Stops only the processes that `up` (and `mcu demo`'s worker) started, in reverse order."""
    for name in sources.stop(settings):
        say(f"{name}: остановлен")
    worker = Managed("worker", Layout.at(settings.devstack.dir).run)
    if worker.stop():
        say("Обработчик: остановлен")
    for server in reversed(servers(settings)):
        stopped = server.process.stop()
        say(f"{server.title}: {'остановлен' if stopped else 'не был запущен'}")


def status(settings: StackSettings) -> list[tuple[Server, int | None, bool]]:
    return [(s, s.process.pid(), s.ready()) for s in servers(settings)]
