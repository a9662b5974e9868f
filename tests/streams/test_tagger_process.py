"""The tagger's child process: same taggings as in process, survives bad batches and its own
death, and never outlives the worker that started it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from nlp.tagger import Tagger, TextItem
from streams.tagger_process import TaggerDied, TaggerProcess, TaggingError

TEXTS = [
    TextItem("На улице Ленина, 5 третий день нет горячей воды, управляющая компания молчит!"),
    TextItem("Спасибо администрации за новую детскую площадку во дворе!", "comment"),
    TextItem("<p>Прошу&nbsp;отремонтировать дорогу на ул. Мира.</p>", "appeal"),
    TextItem("Уважаемая Ольга Ивановна! Ваше обращение передано в МКУ «Благоустройство».", "reply"),
]


@contextlib.asynccontextmanager
async def started() -> AsyncIterator[TaggerProcess]:
    process = TaggerProcess(max_chars=None)
    try:
        yield process
    finally:
        await process.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: it waits only for its parent to read its status.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


async def test_the_child_tags_as_the_tagger_does() -> None:
    async with started() as child:
        expected = Tagger().tag_many(TEXTS)
        assert await child.tag_many(TEXTS) == expected
        assert child.pid is not None and child.pid != os.getpid()


async def test_a_batch_the_tagger_raises_on_is_an_error_and_the_child_goes_on() -> None:
    async with started() as child:
        first = await child.tag(TEXTS[0])
        pid = child.pid
        with pytest.raises(TaggingError, match=r"TypeError|AttributeError"):
            await child.tag_many([TextItem(12345)])  # type: ignore[arg-type]
        assert child.pid == pid
        assert await child.tag(TEXTS[0]) == first


async def test_a_killed_child_is_reported_and_replaced() -> None:
    async with started() as child:
        first = await child.tag(TEXTS[1])
        pid = child.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(TaggerDied, match=str(pid)):
            await child.tag(TEXTS[1])
        assert await child.tag(TEXTS[1]) == first
        assert child.pid not in (None, pid)


def test_the_child_exits_when_its_worker_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys, time
        from nlp.tagger import TextItem
        from streams.tagger_process import TaggerProcess

        async def main():
            child = TaggerProcess(None)
            await child.tag(TextItem("Нет света на улице Мира"))
            print(child.pid, flush=True)
            time.sleep(600)

        asyncio.run(main())
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    assert _alive(child_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child_pid), "the tagger process outlived its worker"


async def test_concurrent_batches_keep_their_answers() -> None:
    async with started() as child:
        one, two = await asyncio.gather(child.tag_many(TEXTS[:2]), child.tag_many(TEXTS[2:]))
        assert [t.category for t in [*one, *two]] == [
            t.category for t in await child.tag_many(TEXTS)
        ]
