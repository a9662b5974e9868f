"""HTTP API for people and scripts: list alerts, acknowledge, resolve, silence, read the audit log.

Each person has a token of their own (alerts/access.py); what they do is recorded under their id.
Thin by design: the host passes callables that talk to its state; this module only speaks HTTP.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from alerts.access import Caller, Permission
from alerts.actions import Action, ActionKind
from alerts.audit import AuditEntry, for_silence
from alerts.durations import parse_duration
from alerts.pii import NO_MASK, PiiMask
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
    # Appends to the audit log and returns once it is stored.
    record: Callable[[AuditEntry], Awaitable[None]]
    # Audit entries since a moment, of one actor, at most `limit` newest.
    read_audit: Callable[[datetime | None, str | None, int], Awaitable[list[AuditEntry]]]


class _BadRequest(Exception):
    pass


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


OPEN = frozenset({"health"})
# What each route needs; anything else (a 404, a 405) is answered to any valid token.
NEEDS: dict[tuple[str, str], Permission] = {
    ("GET", "alerts"): "read",
    ("POST", "ack"): "act",
    ("POST", "resolve"): "act",
    ("GET", "silences"): "read",
    ("POST", "silences"): "act",
    ("DELETE", "silence"): "act",
    ("GET", "audit"): "audit",
}
CALLER = web.RequestKey("caller", Caller)
ROLE_RU = {"viewer": "просмотр", "operator": "оператор", "admin": "администратор"}


def create_app(
    handlers: ApiHandlers,
    authenticate: Callable[[str], Caller | None],
    *,
    pii: PiiMask = NO_MASK,
    prefix: str = "/api/v1",
) -> web.Application:
    """GET alerts, POST alerts/{id}/ack|resolve, GET|POST silences, DELETE silences/{id}, GET audit.

    `authenticate` maps a presented token to the person behind it (None: refused)."""

    @web.middleware
    async def auth(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        route = request.match_info.route.name or ""
        if route in OPEN:
            return await handler(request)
        # Closed by default: any other path (unknown ones too) needs a valid token first.
        given = request.headers.get("Authorization", "")
        given = given.removeprefix("Bearer ").strip() or request.headers.get("X-Api-Token", "")
        caller = authenticate(given)
        if caller is None:
            return _error(401, "нужен верный токен: заголовок Authorization: Bearer <токен>")
        method = "GET" if request.method == "HEAD" else request.method
        needed = NEEDS.get((method, route), "read")
        if not caller.may(needed):
            role = ROLE_RU.get(caller.role, caller.role)
            return _error(403, f"недостаточно прав: у роли «{role}» нет доступа к этому действию")
        request[CALLER] = caller
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
        alerts = [pii.alert(a) for a in await handlers.list_alerts()]
        return web.json_response({"ok": True, "alerts": alerts})

    def act(kind: ActionKind) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            await body(request)
            # Who acted is the person behind the token; a `by` in the body is not trusted.
            caller = request[CALLER]
            action = Action(
                request.match_info["alert_id"], kind, caller.id, handlers.clock(), "api"
            )
            if not await handlers.act(action):
                return _error(404, "нет такого открытого оповещения")
            await handlers.record(AuditEntry(action.at, caller.id, kind, action.alert_id, "api"))
            return web.json_response({"ok": True, "action": action.to_dict()})

        return handle

    async def list_silences(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "silences": await handlers.list_silences()})

    async def add_silence(request: web.Request) -> web.Response:
        data = await body(request)
        now = handlers.clock()
        caller = request[CALLER]
        silence = _silence(data, now, caller.id)
        await handlers.add_silence(silence)
        await handlers.record(for_silence(silence, caller.id, now))
        return web.json_response({"ok": True, "silence": silence.to_dict()}, status=201)

    async def expire_silence(request: web.Request) -> web.Response:
        silence_id = request.match_info["silence_id"]
        if not await handlers.expire_silence(silence_id):
            return _error(404, "нет такой тишины")
        caller = request[CALLER]
        await handlers.record(
            AuditEntry(handlers.clock(), caller.id, "expire_silence", silence_id, "api")
        )
        return web.json_response({"ok": True})

    async def audit(request: web.Request) -> web.Response:
        query = request.query
        try:
            since = datetime.fromisoformat(query["since"]) if query.get("since") else None
            limit = int(query.get("limit", "1000"))
        except ValueError as exc:
            raise _BadRequest("since — момент ISO 8601, limit — целое число") from exc
        if since is not None and since.tzinfo is None:
            raise _BadRequest("since нужен со смещением часового пояса")
        entries = await handlers.read_audit(since, query.get("actor") or None, max(limit, 1))
        return web.json_response({"ok": True, "entries": [e.to_dict() for e in entries]})

    app = web.Application(middlewares=[auth])
    app.router.add_get(f"{prefix}/health", health, name="health")
    app.router.add_get(f"{prefix}/alerts", list_alerts, name="alerts")
    app.router.add_post(f"{prefix}/alerts/{{alert_id}}/ack", act("ack"), name="ack")
    app.router.add_post(f"{prefix}/alerts/{{alert_id}}/resolve", act("resolve"), name="resolve")
    app.router.add_get(f"{prefix}/silences", list_silences, name="silences")
    app.router.add_post(f"{prefix}/silences", add_silence, name="silences")
    app.router.add_delete(f"{prefix}/silences/{{silence_id}}", expire_silence, name="silence")
    app.router.add_get(f"{prefix}/audit", audit, name="audit")
    return app


def _silence(data: dict[str, Any], now: datetime, actor: str) -> Silence:
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
            actor,
            str(data.get("comment") or ""),
            now,
        )
    except ValueError as exc:
        raise _BadRequest(str(exc)) from exc
    if silence.ends_at <= now or silence.ends_at - now > timedelta(days=366):
        raise _BadRequest("конец тишины должен быть в будущем, но не дальше года")
    return silence
