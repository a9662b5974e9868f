"""Timer: department ratings over a rolling window (30 days), as gauges for the screen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime

from reports.period import TZ, Period
from streams import ratings
from streams.context import Context
from streams.search import connect

log = logging.getLogger(__name__)


def install(ctx: Context, departments: Iterable[str] = ()) -> None:
    engine = connect(ctx.settings.search)
    known = list(departments)

    @ctx.app.timer(interval=ctx.settings.worker.ratings_seconds, on_leader=True, name="mcu.ratings")
    async def publish() -> None:
        now = datetime.now(TZ)
        period = Period.last_days(now, ctx.settings.worker.ratings_window_days)
        try:
            rows = await asyncio.to_thread(ratings.rate, engine, period, now, known)
        except Exception as exc:  # the next round tries again
            log.warning("ratings not computed: %s", exc)
            return
        ctx.metrics.set_ratings(rows, period.end.timestamp())
