"""What every fake shares: injected failures, held calls (to kill a client mid-batch), a call log,
and a per-second rate limit that answers with the API's own «too many requests» error."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Control:
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)
    waiting: int = 0
    release: asyncio.Event | None = None
    calls: list[tuple[float, str]] = field(default_factory=list)
    rate: float | None = None
    limited: int = 0

    def failure(self, method: str) -> dict[str, Any] | None:
        queue = self.failures.get(method)
        return queue.pop(0) if queue else None

    def over_rate(self) -> bool:
        """True when more than `rate` calls came within the last second."""
        now = time.monotonic()
        self.calls.append((now, ""))
        if self.rate is None:
            return False
        recent = sum(1 for t, _ in self.calls[-int(self.rate) - 2 :] if now - t < 1.0)
        if recent > self.rate:
            self.limited += 1
            return True
        return False

    async def hold(self, method: str) -> None:
        if method not in self.held:
            return
        if self.release is None:
            self.release = asyncio.Event()
        self.waiting += 1
        try:
            await self.release.wait()
        finally:
            self.waiting -= 1

    def routes(self, app: web.Application) -> None:
        """Failures, rate limit and holds: /_test/fail, /_test/rate and hold_routes'."""

        async def fail(request: web.Request) -> web.Response:
            data = await request.json()
            entry = {k: v for k, v in data.items() if k not in ("method", "times")}
            self.failures.setdefault(str(data["method"]), []).extend(
                [entry] * int(data.get("times", 1))
            )
            return web.json_response({"ok": True})

        async def rate(request: web.Request) -> web.Response:
            data = await request.json()
            self.rate = None if data.get("rate") is None else float(data["rate"])
            return web.json_response({"ok": True})

        app.router.add_post("/_test/fail", fail)
        app.router.add_post("/_test/rate", rate)
        self.hold_routes(app)

    def hold_routes(self, app: web.Application) -> None:
        """/_test/hold {method}, /_test/release, /_test/status {waiting, calls, limited}."""

        async def hold(request: web.Request) -> web.Response:
            data = await request.json()
            self.held.add(str(data["method"]))
            self.release = asyncio.Event()
            return web.json_response({"ok": True})

        async def release(_: web.Request) -> web.Response:
            self.held.clear()
            if self.release is not None:
                self.release.set()
            return web.json_response({"ok": True})

        async def status(_: web.Request) -> web.Response:
            return web.json_response(
                {"waiting": self.waiting, "calls": len(self.calls), "limited": self.limited}
            )

        app.router.add_post("/_test/hold", hold)
        app.router.add_post("/_test/release", release)
        app.router.add_get("/_test/status", status)
