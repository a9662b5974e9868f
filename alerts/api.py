"""HTTP API for people and scripts: list alerts, acknowledge, resolve, silence (token auth).

Thin by design: the host passes callables that talk to its state; this module only speaks HTTP.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from alerts.actions import Action, ActionKind
from alerts.durations import parse_duration
from alerts.silences import Silence


@dataclass(frozen=True)
class ApiHandlers:
    list_alerts: Callable[[], Awaitable[list[dict[str, Any]]]]
    # True when the alert exists (and the action was applied).
    act: Callable[[Action], Awaitable[bool]]
    add_silence: Callable[[Silence], Awaitable[None]]
    list_silences: Callable[[], Awaitable[list[dict[str, Any]]]]
    expire_silence: Callable[[str], Awaitable[bool]]
    # The host's clock: alerts/ never reads the time itself.
    clock: Callable[[], datetime]


class _BadRequest(Exception):
    pass


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


def create_app(handlers: ApiHandlers, token: str, prefix: str = "/api/v1") -> web.Application:
    """GET alerts, POST alerts/{id}/ack|resolve, GET|POST silences, DELETE silences/{id}."""
    if not token:
        raise ValueError("API token must not be empty")

    @web.middleware
    async def auth(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path == f"{prefix}/health":
            return await handler(request)
        given = request.headers.get("Authorization", "")
        given = given.removeprefix("Bearer ").strip() or request.headers.get("X-Api-Token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return _error(401, "нужен верный токен: заголовок Authorization: Bearer <токен>")
        try:
            return await handler(request)
        except _BadRequest as exc:
            return _error(400, str(exc))

    async def body(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        try:
            data = await request.json()
        except ValueError as exc:
            raise _BadRequest("тело запроса должно быть JSON") from exc
        if not isinstance(data, dict):
            raise _BadRequest("тело запроса должно быть JSON-объектом")
        return data

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def list_alerts(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "alerts": await handlers.list_alerts()})

    def act(kind: ActionKind) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            data = await body(request)
            by = str(data.get("by") or "api")
            action = Action(request.match_info["alert_id"], kind, by, handlers.clock(), "api")
            if not await handlers.act(action):
                return _error(404, "нет такого открытого оповещения")
            return web.json_response({"ok": True, "action": action.to_dict()})

        return handle

    async def list_silences(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "silences": await handlers.list_silences()})

    async def add_silence(request: web.Request) -> web.Response:
        data = await body(request)
        now = handlers.clock()
        silence = _silence(data, now)
        await handlers.add_silence(silence)
        return web.json_response({"ok": True, "silence": silence.to_dict()}, status=201)

    async def expire_silence(request: web.Request) -> web.Response:
        if not await handlers.expire_silence(request.match_info["silence_id"]):
            return _error(404, "нет такой тишины")
        return web.json_response({"ok": True})

    app = web.Application(middlewares=[auth])
    app.router.add_get(f"{prefix}/health", health)
    app.router.add_get(f"{prefix}/alerts", list_alerts)
    app.router.add_post(f"{prefix}/alerts/{{alert_id}}/ack", act("ack"))
    app.router.add_post(f"{prefix}/alerts/{{alert_id}}/resolve", act("resolve"))
    app.router.add_get(f"{prefix}/silences", list_silences)
    app.router.add_post(f"{prefix}/silences", add_silence)
    app.router.add_delete(f"{prefix}/silences/{{silence_id}}", expire_silence)
    return app


def _silence(data: dict[str, Any], now: datetime) -> Silence:
    """Matchers as strings ('category="roads"') or Alertmanager objects; ends_at or duration."""
    raw = data.get("matchers")
    if not isinstance(raw, list) or not raw:
        raise _BadRequest("нужен непустой список matchers")
    matchers: list[str] = []
    for item in raw:
        if isinstance(item, str):
            matchers.append(item)
        elif isinstance(item, dict) and "name" in item and "value" in item:
            regex, equal = bool(item.get("isRegex")), item.get("isEqual", True) is not False
            op = ("=~" if regex else "=") if equal else ("!~" if regex else "!=")
            value = str(item["value"]).replace("\\", "\\\\").replace('"', '\\"')
            matchers.append(f'{item["name"]}{op}"{value}"')
        else:
            raise _BadRequest(f"непонятный matcher: {item!r}")
    try:
        if data.get("ends_at"):
            ends_at = datetime.fromisoformat(str(data["ends_at"]))
            if ends_at.tzinfo is None:
                raise _BadRequest("ends_at нужен со смещением часового пояса")
        else:
            ends_at = now + parse_duration(data.get("duration", "2h"))
        silence = Silence.create(
            matchers,
            ends_at,
            str(data.get("created_by") or "api"),
            str(data.get("comment") or ""),
            now,
        )
    except ValueError as exc:
        raise _BadRequest(str(exc)) from exc
    if silence.ends_at <= now or silence.ends_at - now > timedelta(days=366):
        raise _BadRequest("конец тишины должен быть в будущем, но не дальше года")
    return silence
