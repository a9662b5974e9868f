"""Timer: the department ratings of the current month, as gauges for the operations screen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime

from reports.period import TZ, Period
from streams import ratings
from streams.app import Context
from streams.search import connect

log = logging.getLogger(__name__)


def install(ctx: Context, departments: Iterable[str] = ()) -> None:
    engine = connect(ctx.settings.search)
    known = list(departments)

    @ctx.app.timer(interval=ctx.settings.worker.ratings_seconds, on_leader=True, name="mcu.ratings")
    async def publish() -> None:
        now = datetime.now(TZ)
        period = Period.from_dates(now.date().replace(day=1), now.date())
        try:
            rows = await asyncio.to_thread(ratings.rate, engine, period, now, known)
        except Exception as exc:  # the next round tries again
            log.warning("ratings not computed: %s", exc)
            return
        ctx.metrics.set_ratings(rows, period.end.timestamp())
