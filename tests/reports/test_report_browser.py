"""The rendered report in headless Chromium: every chart is loaded, the PDF has pages."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from docfactory import NAMES, sample_week

from reports.period import Period
from reports.report import build_report

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CHARTS = {"flow", "shares", "problems", "addresses", "overdue", "ratings"}

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="нужен Chromium: apt-get install chromium")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    period = Period.from_dates(date(2026, 3, 16), date(2026, 3, 20))
    now = datetime.fromisoformat("2026-03-23T09:00+05:00")
    html = build_report(sample_week(), period, now=now, names=NAMES)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture
def profile() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mcu-chromium-") as d:
        yield Path(d)


class Page:
    """One Chrome DevTools Protocol session over the page target's websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.seq += 1
        await self.ws.send_json({"id": self.seq, "method": method, "params": params})
        while True:
            msg = await self.ws.receive_json(timeout=30)
            if msg.get("id") == self.seq:
                assert "error" not in msg, msg
                return dict(msg["result"])

    async def wait_event(self, name: str) -> None:
        while True:
            msg = await self.ws.receive_json(timeout=30)
            if msg.get("method") == name:
                return


@contextlib.asynccontextmanager
async def open_page(profile: Path) -> AsyncIterator[Page]:
    """Starts Chromium with remote debugging and attaches to its blank page."""
    assert CHROMIUM is not None
    proc = subprocess.Popen(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "--window-size=1100,1400",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            await asyncio.sleep(0.1)
        port = port_file.read_text().split()[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as resp:
                targets = await resp.json()
            url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
            async with http.ws_connect(url, max_msg_size=0) as ws:
                yield Page(ws)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


IMAGES = """JSON.stringify([...document.images].map(i => ({
  id: i.id, complete: i.complete, w: i.naturalWidth, h: i.naturalHeight,
  shown: i.getBoundingClientRect().width})))"""


async def test_charts_load_in_chromium(report_file: Path, profile: Path, tmp_path: Path) -> None:
    async with open_page(profile) as page:
        await check_charts(page, report_file, tmp_path)


async def check_charts(page: Page, report_file: Path, tmp_path: Path) -> None:
    await page.call("Page.enable")
    await page.call("Page.navigate", url=report_file.as_uri())
    await page.wait_event("Page.loadEventFired")
    result = await page.call("Runtime.evaluate", expression=IMAGES, returnByValue=True)
    images = json.loads(result["result"]["value"])
    assert {i["id"] for i in images} == {f"chart-{c}" for c in CHARTS}
    for image in images:
        assert image["complete"], image
        assert image["w"] > 300 and image["h"] > 100, image
        assert image["shown"] > 300, image
    title = await page.call("Runtime.evaluate", expression="document.title", returnByValue=True)
    assert title["result"]["value"].startswith("Отчёт о работе с сообщениями граждан")
    shot = await page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
    png = tmp_path / "report.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    assert png.stat().st_size > 50_000


def test_print_to_pdf(report_file: Path, profile: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            report_file.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 3
    assert data.count(b"/Subtype /Image") >= len(CHARTS)
