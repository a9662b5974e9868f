"""The tagger in a child process: the worker's event loop keeps one core, natasha takes another.

In one process the tagger and everything else (Kafka, indexing, alerts) share one GIL, so a
worker never uses more than one core. The child loads the models once and answers batches over
its stdin/stdout: a frame is a 4-byte big-endian length and a pickle (both ends are this module,
run from the same installation). When the worker dies, even by kill -9, the child reads the end
of its stdin and exits.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import struct
import sys
from collections.abc import Sequence
from typing import IO, Any

from nlp.tagger import Tagger, Tagging, TextItem

log = logging.getLogger(__name__)
HEADER = struct.Struct(">I")


class TaggingError(Exception):
    """The tagger raised on a batch (a Python error in the child, which goes on running)."""


class TaggerDied(Exception):
    """The child process is gone (killed, out of memory, crashed); a new one is started."""


class TaggerUnavailable(Exception):
    """The child could not load the tagger at all (a broken installation): not a message's fault."""


def _frame(value: Any) -> bytes:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def serve(max_chars: int | None, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The child's loop: a batch of TextItem in, ("ok", taggings) or ("error", text) out."""
    tagger = Tagger(max_chars=max_chars)
    stdout.write(_frame(("ready", None)))
    stdout.flush()
    while True:
        header = _read_exactly(stdin, HEADER.size)
        if header is None:
            return
        body = _read_exactly(stdin, HEADER.unpack(header)[0])
        if body is None:
            return
        items: list[TextItem] = pickle.loads(body)
        try:
            reply: tuple[str, Any] = ("ok", tagger.tag_many(items))
        except Exception as exc:  # the batch fails, the child stays: the worker retries one by one
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            stdout.write(_frame(reply))
            stdout.flush()
        except BrokenPipeError:
            return


class TaggerProcess:
    """The worker's side: `tag_many` sends a batch to the child and awaits its taggings."""

    def __init__(self, max_chars: int | None) -> None:
        self.max_chars = max_chars
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    async def _start(self) -> asyncio.subprocess.Process:
        args = [sys.executable, "-m", "streams.tagger_process"]
        if self.max_chars is not None:
            args.append(str(self.max_chars))
        proc = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        self._proc = proc
        try:
            status, _ = await self._receive(proc)
        except TaggerDied as exc:
            raise TaggerUnavailable(f"{exc} при загрузке моделей") from exc
        if status != "ready":
            raise TaggerUnavailable(f"процесс разметки ответил {status!r} вместо готовности")
        log.info("tagger process %s is ready", proc.pid)
        return proc

    async def _gone(self, proc: asyncio.subprocess.Process) -> TaggerDied:
        """The error for a child that has gone, once its exit code is read; the next batch
        starts a new one."""
        code = await proc.wait()
        self._proc = None
        return TaggerDied(f"процесс разметки {proc.pid} завершился с кодом {code}")

    async def _receive(self, proc: asyncio.subprocess.Process) -> tuple[str, Any]:
        assert proc.stdout is not None
        try:
            header = await proc.stdout.readexactly(HEADER.size)
            body = await proc.stdout.readexactly(HEADER.unpack(header)[0])
        except asyncio.IncompleteReadError as exc:
            raise await self._gone(proc) from exc
        reply: tuple[str, Any] = pickle.loads(body)
        return reply

    async def tag_many(self, items: Sequence[TextItem]) -> list[Tagging]:
        async with self._lock:
            proc = self._proc
            if proc is None or proc.returncode is not None:
                proc = await self._start()
            assert proc.stdin is not None
            try:
                proc.stdin.write(_frame(list(items)))
                await proc.stdin.drain()
            except (BrokenPipeError, ConnectionResetError) as exc:
                raise await self._gone(proc) from exc
            status, value = await self._receive(proc)
        if status != "ok":
            raise TaggingError(str(value))
        taggings: list[Tagging] = value
        return taggings

    async def tag(self, item: TextItem) -> Tagging:
        return (await self.tag_many([item]))[0]

    async def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), timeout=10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def main() -> None:
    max_chars = int(sys.argv[1]) if len(sys.argv) > 1 else None
    frames = sys.stdout.buffer
    # Whatever a library prints goes to the log, never into the frames.
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.INFO)
    serve(max_chars, sys.stdin.buffer, frames)


if __name__ == "__main__":
    main()
