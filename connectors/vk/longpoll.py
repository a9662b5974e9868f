"""VK Bots Long Poll: groups.getLongPollServer, then a_check with the stored `ts`.

failed 1: take the new ts (events were lost: backfill); 2: a new key, same ts;
3: a new key and ts (backfill). Backfill runs the wall poller on the community's wall."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from connectors.base import Context
from connectors.errors import Transient
from connectors.http import TIMEOUT, check_status, network
from connectors.vk import events
from connectors.vk import normalise as vk
from connectors.vk.client import VkApi


class LongPoll:
    def __init__(
        self,
        ctx: Context,
        api: VkApi,
        session: aiohttp.ClientSession,
        who: vk.Officials,
        wait: int,
        backfill: Callable[[], Awaitable[None]],
    ) -> None:
        self.ctx, self.api, self.session, self.who = ctx, api, session, who
        self.wait, self.backfill = wait, backfill
        self.server: dict[str, Any] = {}

    async def _server(self) -> dict[str, Any]:
        group = abs(self.who.group_id or 0)
        result: dict[str, Any] = await self.ctx.retrying(
            lambda: self.api.call("groups.getLongPollServer", group_id=group)
        )
        return result

    async def _check(self, ts: str) -> dict[str, Any]:
        params = {"act": "a_check", "key": self.server["key"], "ts": ts, "wait": str(self.wait)}
        try:
            async with self.session.get(
                self.server["server"], params=params, timeout=TIMEOUT
            ) as resp:
                check_status(resp, "VK Long Poll")
                body: dict[str, Any] = json.loads(await resp.read())
                return body
        except aiohttp.ClientError as exc:
            raise network("VK Long Poll", exc) from exc
        except ValueError as exc:
            raise Transient("VK Long Poll: ответ не JSON", code="bad_json") from exc

    async def run(self) -> None:
        ctx = self.ctx
        self.server = await self._server()
        stored = ctx.cursor("longpoll")
        if stored is None:
            await self.backfill()  # first start: what is already on the wall
            ts = str(self.server["ts"])
            await ctx.emit([], {"longpoll": {"ts": ts}})
        else:
            ts = str(stored["ts"])
        while not ctx.stop.is_set():
            body = await ctx.retrying(lambda t=ts: self._check(t))  # type: ignore[misc]
            failed = body.get("failed")
            if failed is not None:
                ctx.metrics.error(ctx.name, f"longpoll_{failed}")
                ts = await self._recover(int(failed), body, ts)
                continue
            found = [m for u in body.get("updates", []) for m in events.messages(u, self.who)]
            ts = str(body["ts"])
            await ctx.emit(found, {"longpoll": {"ts": ts}})
            ctx.metrics.polled(ctx.name)

    async def _recover(self, failed: int, body: dict[str, Any], ts: str) -> str:
        if failed == 1:
            await self.backfill()
            return str(body["ts"])
        self.server = await self._server()
        if failed == 2:
            return ts
        await self.backfill()
        return str(self.server["ts"])
