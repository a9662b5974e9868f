"""Timer: consumer lag per topic partition, from faust's monitor (end offset − committed)."""

from __future__ import annotations

from streams.context import Context

INTERVAL_SECONDS = 5.0


def install(ctx: Context) -> None:
    @ctx.app.timer(interval=INTERVAL_SECONDS, name="mcu.lag")
    async def lag() -> None:
        monitor = ctx.app.monitor
        committed = monitor.tp_committed_offsets
        for tp, end in monitor.tp_end_offsets.items():
            # Committed offsets are the next offset to read; end offsets are the last written.
            done = committed.get(tp, -1) + 1
            ctx.metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(max(0, end + 1 - done))
