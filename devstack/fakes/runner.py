"""Runs an aiohttp app in its own thread and loop, so sync and async tests can share it."""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web


class AppThread:
    def __init__(
        self, factory: Callable[[], web.Application], host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.factory, self.host, self.port = factory, host, port
        self.app: web.Application | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()
        if not self._ready.wait(10) or self._error is not None:
            raise RuntimeError(f"{type(self).__name__} did not start: {self._error}")
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
        loop.close()

    async def _serve(self) -> None:
        self.app = self.factory()
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])

    def call(self, fn: Callable[[], Any]) -> Any:
        """Runs `fn` on the server's loop (state lives there) and returns its result."""
        assert self._loop is not None

        async def wrapped() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(10)

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def serve_cli(
    description: str,
    port: int,
    factory: Callable[[argparse.Namespace], web.Application],
    options: Callable[[argparse.ArgumentParser], object],
    argv: list[str] | None = None,
) -> None:
    """`python -m devstack.fakes.X --port N …`: one fake as a process (the demo's servers)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    options(parser)
    args = parser.parse_args(argv)
    web.run_app(factory(args), host=args.host, port=args.port, print=None)
