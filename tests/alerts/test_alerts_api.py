"""The HTTP API: per-person tokens and roles, list, ack, resolve, silences, the audit log, masking.

Wired to a real engine and router, and a real audit file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from alertkit import CONFIG_FILES, at, message

from alerts.access import Tokens, hash_token
from alerts.actions import Action
from alerts.api import ApiHandlers, create_app
from alerts.audit import AuditEntry
from alerts.config import build_config
from alerts.engine import Engine
from alerts.pii import PiiMask
from alerts.router import Router
from alerts.silences import Silence
from alerts.state import State
from alerts.yamlsource import Located, load_yaml, merge
from streams.audit import AuditFile

SHARED = "shared-script-token-0123456789"
# Each person's own token; the roster keeps only their hashes.
TOKENS = {
    "romanyuk": ("mcu_romanyuk-token", "operator"),
    "sentsova": ("mcu_sentsova-token", "admin"),
    "kuznetsov": ("mcu_kuznetsov-token", "viewer"),
}
NOW = at("2026-03-10 10:30")


def config_with_tokens() -> Any:
    doc = merge([load_yaml(p) for p in CONFIG_FILES])
    roster = json.loads(json.dumps(doc.data["roster"]))
    for person in roster["people"]:
        if person["id"] in TOKENS:
            token, role = TOKENS[person["id"]]
            person["api_tokens"] = [hash_token(token)]
            person["api_role"] = role
    return build_config(Located({**doc.data, "roster": roster}, doc.marks))


def auth(person: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[person][0]}"}


class Host:
    """What the worker would do: keep state, apply actions, route the events, keep the audit."""

    def __init__(self, audit: Path) -> None:
        self.config = config_with_tokens()
        self.engine, self.router = Engine(self.config), Router(self.config)
        self.state = State()
        self.audit = AuditFile(audit)

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

    async def record(self, entry: AuditEntry) -> None:
        self.audit.append(entry)

    async def read_audit(
        self, since: datetime | None, actor: str | None, limit: int
    ) -> list[AuditEntry]:
        return self.audit.read(since, actor, limit)


TEXT = "Приду и разнесу вашу контору! Звоните мне: +7 (912) 345-67-89, почта ivan.petrov@mail.ru"


@pytest_asyncio.fixture(loop_scope="function")
async def client(tmp_path: Path) -> AsyncIterator[tuple[TestClient, Host]]:
    host = Host(tmp_path / "audit" / "audit.jsonl")
    msg = message("vk:-1_3000", TEXT, conflict=True, reasons=("aggression",))
    host.engine.on_message(host.state, msg, at("2026-03-10 10:00"))
    handlers = ApiHandlers(
        host.list_alerts,
        host.act,
        host.add_silence,
        host.list_silences,
        host.expire_silence,
        lambda: NOW,
        host.record,
        host.read_audit,
    )
    tokens = Tokens(host.config.roster, SHARED)
    app = create_app(handlers, tokens.caller, pii=PiiMask(contacts=True, authors=True))
    async with TestClient(TestServer(app)) as c:
        yield c, host


AUTH = auth("romanyuk")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"X-Api-Token": "nope"},
        # The hash itself is not a token.
        {"Authorization": f"Bearer {hash_token(TOKENS['romanyuk'][0])}"},
        {"Authorization": "Bearer devstack-api-token"},
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/alerts", "/api/v1/silences", "/api/v1/audit", "/api/v1/x"]
)
async def test_token_is_required(
    client: tuple[TestClient, Host], headers: dict[str, str], path: str
) -> None:
    c, _ = client
    response = await c.get(path, headers=headers)
    assert response.status == 401
    assert "токен" in (await response.json())["error"]
    assert (await c.get("/api/v1/health")).status == 200


async def test_ack_and_resolve_are_recorded_under_the_person_behind_the_token(
    client: tuple[TestClient, Host],
) -> None:
    c, host = client
    listed = await (await c.get("/api/v1/alerts", headers=auth("kuznetsov"))).json()
    (alert,) = listed["alerts"]
    assert alert["kind"] == "conflict" and alert["severity"] == "critical"
    # A free-text `by` is not who acted: the token says who it is.
    acked = await c.post(f"/api/v1/alerts/{alert['id']}/ack", json={"by": "soboleva"}, headers=AUTH)
    assert acked.status == 200
    (stored,) = host.engine.active_alerts(host.state)
    assert (stored.acked_by, stored.acked_at) == ("romanyuk", NOW)
    resolved = await c.post(f"/api/v1/alerts/{alert['id']}/resolve", headers=auth("sentsova"))
    assert resolved.status == 200
    assert host.engine.active_alerts(host.state) == []
    again = await c.post(f"/api/v1/alerts/{alert['id']}/resolve", headers=AUTH)
    assert again.status == 404
    trail = [(e.actor, e.action, e.target, e.source, e.at) for e in host.audit.read()]
    assert trail == [
        ("romanyuk", "ack", alert["id"], "api", NOW),
        ("sentsova", "resolve", alert["id"], "api", NOW),
    ]


async def test_shared_token_acts_as_api_token(client: tuple[TestClient, Host]) -> None:
    c, host = client
    (alert,) = (await (await c.get("/api/v1/alerts", headers={"X-Api-Token": SHARED})).json())[
        "alerts"
    ]
    headers = {"Authorization": f"Bearer {SHARED}"}
    assert (await c.post(f"/api/v1/alerts/{alert['id']}/ack", headers=headers)).status == 200
    assert host.engine.active_alerts(host.state)[0].acked_by == "api-token"
    assert [e.actor for e in host.audit.read()] == ["api-token"]


@pytest.mark.parametrize(
    ("person", "method", "path", "status"),
    [
        ("kuznetsov", "GET", "/api/v1/alerts", 200),
        ("kuznetsov", "GET", "/api/v1/silences", 200),
        ("kuznetsov", "POST", "/api/v1/alerts/{id}/ack", 403),
        ("kuznetsov", "POST", "/api/v1/alerts/{id}/resolve", 403),
        ("kuznetsov", "POST", "/api/v1/silences", 403),
        ("kuznetsov", "DELETE", "/api/v1/silences/nope", 403),
        ("kuznetsov", "GET", "/api/v1/audit", 403),
        ("romanyuk", "GET", "/api/v1/audit", 403),
        ("sentsova", "GET", "/api/v1/audit", 200),
    ],
)
async def test_roles(
    client: tuple[TestClient, Host], person: str, method: str, path: str, status: int
) -> None:
    c, host = client
    alert_id = host.engine.active_alerts(host.state)[0].id
    body = {"matchers": ['category="housing"'], "duration": "1h"}
    response = await c.request(
        method,
        path.format(id=alert_id),
        json=body if method == "POST" else None,
        headers=auth(person),
    )
    assert response.status == status
    if status == 403:
        assert "недостаточно прав" in (await response.json())["error"]
        assert host.engine.active_alerts(host.state)[0].acked_at is None
        assert host.audit.read() == []


async def test_audit_is_read_through_the_api(client: tuple[TestClient, Host]) -> None:
    c, host = client
    alert_id = host.engine.active_alerts(host.state)[0].id
    await c.post(f"/api/v1/alerts/{alert_id}/ack", headers=AUTH)
    body = {"matchers": ['category="housing"'], "duration": "1h", "comment": "авария"}
    await c.post("/api/v1/silences", json=body, headers=auth("sentsova"))
    response = await c.get("/api/v1/audit", headers=auth("sentsova"))
    entries = (await response.json())["entries"]
    assert [(e["actor"], e["action"]) for e in entries] == [
        ("romanyuk", "ack"),
        ("sentsova", "silence"),
    ]
    assert entries[1]["details"]["comment"] == "авария"
    only = await c.get("/api/v1/audit?actor=romanyuk", headers=auth("sentsova"))
    assert [e["actor"] for e in (await only.json())["entries"]] == ["romanyuk"]
    bad = await c.get("/api/v1/audit?since=вчера", headers=auth("sentsova"))
    assert bad.status == 400


async def test_api_masks_phones_emails_and_authors(client: tuple[TestClient, Host]) -> None:
    c, _ = client
    (alert,) = (await (await c.get("/api/v1/alerts", headers=AUTH)).json())["alerts"]
    text = alert["annotations"]["text"]
    assert "345-67-89" not in text and "ivan.petrov" not in text
    assert "-**-89" in text and "i***@mail.ru" in text
    assert alert["annotations"]["author"] == "И. П."


async def test_silences(client: tuple[TestClient, Host]) -> None:
    c, host = client
    body = {
        "matchers": ['category="housing"', {"name": "source", "value": "vk|ok", "isRegex": True}],
        "duration": "3h",
        "created_by": "soboleva",
        "comment": "плановое отключение воды",
    }
    created = await c.post("/api/v1/silences", json=body, headers=AUTH)
    assert created.status == 201
    silence = (await created.json())["silence"]
    assert silence["matchers"] == ['category="housing"', 'source=~"vk|ok"']
    assert silence["ends_at"] == at("2026-03-10 13:30").isoformat()
    assert silence["created_by"] == "romanyuk"
    listed = await (await c.get("/api/v1/silences", headers=AUTH)).json()
    assert [s["id"] for s in listed["silences"]] == [silence["id"]]
    assert (await c.delete(f"/api/v1/silences/{silence['id']}", headers=AUTH)).status == 200
    assert host.router.silences(host.state, at("2026-03-10 10:31")) == []
    assert (await c.delete("/api/v1/silences/nope", headers=AUTH)).status == 404
    trail = [(e.actor, e.action, e.target) for e in host.audit.read()]
    assert trail == [
        ("romanyuk", "silence", silence["id"]),
        ("romanyuk", "expire_silence", silence["id"]),
    ]


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
