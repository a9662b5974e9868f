"""The demo's sources: local VK and OK servers and the connectors process, all remembered by
pid files so `mcu devstack down` stops them; the Bot API server and Dovecot come from `up`."""

from __future__ import annotations

import socket
import sys
import time

from devstack.layout import Layout
from devstack.process import Managed
from devstack.settings import StackSettings
from devstack.world import OK_GROUP, TG_OFFICIAL, TG_TOKEN, VK_GROUP, Endpoints, World

VK_TOKEN = "demo-vk-community-token"
OK_KEYS = ("CBADEMOAPP", "demo-ok-access-token", "demo-ok-secret")
FORM_SECRET = "demo-form-hmac"
NAMES = ("fake-vk", "fake-ok", "connectors")


def _wait_port(port: int, process: Managed, what: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.pid() is None:
                raise RuntimeError(f"{what} завершился при запуске:\n{process.tail()}") from None
            time.sleep(0.3)
    raise TimeoutError(f"{what} не открыл порт {port} за 120 с:\n{process.tail()}")


def endpoints(settings: StackSettings) -> Endpoints:
    cfg = settings.devstack
    return Endpoints(
        vk=f"http://127.0.0.1:{cfg.vk_port}",
        ok=f"http://127.0.0.1:{cfg.ok_port}",
        botapi=f"http://127.0.0.1:{cfg.botapi_port}",
        form=f"http://127.0.0.1:{cfg.form_port}/form",
        form_secret=FORM_SECRET,
        imap_port=cfg.imap_port,
        imap_user=cfg.imap_user,
        imap_password=cfg.imap_password,
    )


def connector_env(settings: StackSettings) -> dict[str, str]:
    """Every connector pointed at its local server; demo credentials only, never real ones."""
    cfg, at = settings.devstack, endpoints(settings)
    return {
        "MCU_CONNECTORS__RUN": '["vk", "ok", "telegram", "imap", "form"]',
        "MCU_CONNECTORS__METRICS_PORT": str(cfg.connectors_metrics_port),
        "MCU_CONNECTORS__VK__ENABLED": "true",
        "MCU_CONNECTORS__VK__API_URL": f"{at.vk}/method",
        "MCU_CONNECTORS__VK__TOKEN": VK_TOKEN,
        "MCU_CONNECTORS__VK__GROUP_ID": str(VK_GROUP),
        "MCU_CONNECTORS__VK__MODE": "longpoll",
        "MCU_CONNECTORS__VK__LONGPOLL_WAIT": "5",
        "MCU_CONNECTORS__VK__POLL_SECONDS": "5",
        "MCU_CONNECTORS__OK__ENABLED": "true",
        "MCU_CONNECTORS__OK__API_URL": f"{at.ok}/fb.do",
        "MCU_CONNECTORS__OK__APPLICATION_KEY": OK_KEYS[0],
        "MCU_CONNECTORS__OK__ACCESS_TOKEN": OK_KEYS[1],
        "MCU_CONNECTORS__OK__SECRET_KEY": OK_KEYS[2],
        "MCU_CONNECTORS__OK__GROUPS": f'["{OK_GROUP}"]',
        "MCU_CONNECTORS__OK__POLL_SECONDS": "2",
        "MCU_CONNECTORS__TELEGRAM__ENABLED": "true",
        "MCU_CONNECTORS__TELEGRAM__BASE_URL": at.botapi,
        "MCU_CONNECTORS__TELEGRAM__TOKEN": TG_TOKEN,
        "MCU_CONNECTORS__TELEGRAM__POLL_TIMEOUT": "5",
        "MCU_CONNECTORS__TELEGRAM__OFFICIAL_IDS": f"[{TG_OFFICIAL}]",
        "MCU_CONNECTORS__IMAP__ENABLED": "true",
        "MCU_CONNECTORS__IMAP__PORT": str(cfg.imap_port),
        "MCU_CONNECTORS__IMAP__USERNAME": cfg.imap_user,
        "MCU_CONNECTORS__IMAP__PASSWORD": cfg.imap_password,
        "MCU_CONNECTORS__IMAP__IDLE_SECONDS": "30",
        "MCU_CONNECTORS__IMAP__OFFICIAL_ADDRESSES": '["priemnaya@kamyshlov-adm.ru"]',
        "MCU_CONNECTORS__FORM__ENABLED": "true",
        "MCU_CONNECTORS__FORM__PORT": str(cfg.form_port),
        "MCU_CONNECTORS__FORM__HMAC_SECRET": FORM_SECRET,
    }


def start(settings: StackSettings) -> World:
    """Starts what is not running (fakes, then the connectors); returns the world to seed."""
    cfg = settings.devstack
    run = Layout.at(cfg.dir).run
    fakes = [
        ("fake-vk", "devstack.fakes.vk", cfg.vk_port, ["--token", VK_TOKEN]),
        ("fake-ok", "devstack.fakes.ok", cfg.ok_port,
         ["--app-key", OK_KEYS[0], "--token", OK_KEYS[1], "--secret", OK_KEYS[2]]),
    ]  # fmt: skip
    for name, module, port, extra in fakes:
        process = Managed(name, run)
        if process.pid() is None:
            process.start(
                [sys.executable, "-m", module, "--port", str(port), *extra],
                marker=f"{module} --port {port}",
            )
        _wait_port(port, process, name)
    connectors = Managed("connectors", run)
    if connectors.pid() is None:
        connectors.start(
            [sys.executable, "-m", "streams.cli", "connectors"],
            marker="streams.cli connectors",
            env=connector_env(settings),
        )
    _wait_port(cfg.form_port, connectors, "Коннекторы")
    runs = Layout.at(cfg.dir).data / "demo-runs"
    run_no = int(runs.read_text()) if runs.exists() else 0
    runs.parent.mkdir(parents=True, exist_ok=True)
    runs.write_text(str(run_no + 1))
    return World(endpoints(settings), run_no)


def stop(settings: StackSettings) -> list[str]:
    run = Layout.at(settings.devstack.dir).run
    return [name for name in reversed(NAMES) if Managed(name, run).stop()]
