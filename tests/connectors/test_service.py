"""`mcu connectors`: several sources in one process, each its own failure domain."""

from __future__ import annotations

from devstack.fakes.maxbot import create_app as max_app
from devstack.fakes.runner import AppThread
from devstack.fakes.vk import create_app as vk_app
from tests.connectors.support import Run, http, wait_for


def test_a_rejected_token_stops_one_connector_and_not_the_others(run: Run) -> None:
    with (
        AppThread(lambda: vk_app("vk-right")) as vk,
        AppThread(lambda: max_app("max-token-7781")) as mx,
    ):
        run.env.update(
            {
                "MCU_CONNECTORS__RUN": '["vk", "max"]',
                "MCU_CONNECTORS__VK__ENABLED": "true",
                "MCU_CONNECTORS__VK__API_URL": f"{vk.url}/method",
                "MCU_CONNECTORS__VK__TOKEN": "vk-wrong-token",
                "MCU_CONNECTORS__VK__WALLS": "[-1]",
                "MCU_CONNECTORS__MAX__ENABLED": "true",
                "MCU_CONNECTORS__MAX__BASE_URL": mx.url,
                "MCU_CONNECTORS__MAX__TOKEN": "max-token-7781",
                "MCU_CONNECTORS__MAX__POLL_TIMEOUT": "1",
            }
        )
        http(f"{vk.url}/_test/post", {"owner_id": -1, "text": "Пост"})
        run.start("connectors")
        run.wait_metrics()
        wait_for(lambda: run.metric("mcu_connector_up", connector="vk") == 0, what="vk остановлен")
        wait_for(lambda: "max:updates" in run.cursors(), what="max работает")
        mid = http(f"{mx.url}/_test/message", {"chat_id": -5, "user_id": 1, "text": "Нет воды"})
        run.wait_ids({f"max:-5/{mid['mid']}"})
        assert run.metric("mcu_connector_up", connector="max") == 1
        assert run.proc is not None and run.proc.poll() is None
    log = run.log.read_text()
    assert "Коннектор vk остановлен" in log and "MCU_CONNECTORS__VK__TOKEN" in log
    assert "vk-wrong-token" not in log and "max-token-7781" not in log
