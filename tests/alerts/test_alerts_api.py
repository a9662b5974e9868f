"""The HTTP API: token auth, list, ack, resolve, silences — wired to a real engine and router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from alertkit import at, example_config, message

from alerts.actions import Action
from alerts.api import ApiHandlers, create_app
from alerts.engine import Engine
from alerts.router import Router
from alerts.silences import Silence
from alerts.state import State

TOKEN = "s3cret-token"
NOW = at("2026-03-10 10:30")


class Host:
    """What the worker would do: keep state, apply actions, route the events."""

    def __init__(self) -> None:
        config = example_config()
        self.engine, self.router, self.state = Engine(config), Router(config), State()

    async def list_alerts(self) -> list[dict[str, Any]]:
        return [a.to_dict() for a in self.engine.active_alerts(self.state)]

    async def act(self, action: Action) -> bool:
        known = any(a.id == action.alert_id for a in self.engine.active_alerts(self.state))
        for event in self.engine.on_action(self.state, action, action.at).alerts:
            self.router.on_event(self.state, event, action.at)
        return known

    async def add_silence(self, silence: Silence) -> None:
        self.router.add_silence(self.state, silence)

    async def list_silences(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.router.silences(self.state, NOW)]

    async def expire_silence(self, silence_id: str) -> bool:
        return self.router.expire_silence(self.state, silence_id, NOW)


@pytest_asyncio.fixture(loop_scope="function")
async def client() -> AsyncIterator[tuple[TestClient, Host]]:
    host = Host()
    msg = message(
        "vk:-1_3000", "Приду и разнесу вашу контору!", conflict=True, reasons=("aggression",)
    )
    host.engine.on_message(host.state, msg, at("2026-03-10 10:00"))
    handlers = ApiHandlers(
        host.list_alerts,
        host.act,
        host.add_silence,
        host.list_silences,
        host.expire_silence,
        lambda: NOW,
    )
    async with TestClient(TestServer(create_app(handlers, TOKEN))) as c:
        yield c, host


AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"X-Api-Token": "nope"}]
)
async def test_token_is_required(client: tuple[TestClient, Host], headers: dict[str, str]) -> None:
    c, _ = client
    response = await c.get("/api/v1/alerts", headers=headers)
    assert response.status == 401
    assert "токен" in (await response.json())["error"]
    assert (await c.get("/api/v1/health")).status == 200


async def test_list_ack_resolve(client: tuple[TestClient, Host]) -> None:
    c, host = client
    listed = await (await c.get("/api/v1/alerts", headers={"X-Api-Token": TOKEN})).json()
    (alert,) = listed["alerts"]
    assert alert["kind"] == "conflict" and alert["severity"] == "critical"
    acked = await c.post(f"/api/v1/alerts/{alert['id']}/ack", json={"by": "romanyuk"}, headers=AUTH)
    assert acked.status == 200
    (stored,) = host.engine.active_alerts(host.state)
    assert (stored.acked_by, stored.acked_at) == ("romanyuk", NOW)
    resolved = await c.post(
        f"/api/v1/alerts/{alert['id']}/resolve", json={"by": "romanyuk"}, headers=AUTH
    )
    assert resolved.status == 200
    assert host.engine.active_alerts(host.state) == []
    again = await c.post(f"/api/v1/alerts/{alert['id']}/resolve", headers=AUTH)
    assert again.status == 404


async def test_silences(client: tuple[TestClient, Host]) -> None:
    c, host = client
    body = {
        "matchers": ['category="housing"', {"name": "source", "value": "vk|ok", "isRegex": True}],
        "duration": "3h",
        "created_by": "romanyuk",
        "comment": "плановое отключение воды",
    }
    created = await c.post("/api/v1/silences", json=body, headers=AUTH)
    assert created.status == 201
    silence = (await created.json())["silence"]
    assert silence["matchers"] == ['category="housing"', 'source=~"vk|ok"']
    assert silence["ends_at"] == at("2026-03-10 13:30").isoformat()
    listed = await (await c.get("/api/v1/silences", headers=AUTH)).json()
    assert [s["id"] for s in listed["silences"]] == [silence["id"]]
    assert (await c.delete(f"/api/v1/silences/{silence['id']}", headers=AUTH)).status == 200
    assert host.router.silences(host.state, at("2026-03-10 10:31")) == []
    assert (await c.delete("/api/v1/silences/nope", headers=AUTH)).status == 404


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"matchers": []}, "непустой список matchers"),
        ({"matchers": ["category roads"]}, "неверный матчер"),
        ({"matchers": ['category="roads"'], "ends_at": "2026-03-10T09:00:00+05:00"}, "в будущем"),
        ({"matchers": ['category="roads"'], "duration": "скоро"}, "не понимаю длительность"),
    ],
)
async def test_bad_silence(
    client: tuple[TestClient, Host], body: dict[str, Any], reason: str
) -> None:
    c, _ = client
    response = await c.post("/api/v1/silences", json=body, headers=AUTH)
    assert response.status == 400
    assert reason in (await response.json())["error"]


async def test_bad_json(client: tuple[TestClient, Host]) -> None:
    c, _ = client
    response = await c.post(
        "/api/v1/silences", data="{", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status == 400
