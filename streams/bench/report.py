"""The bench's table in Russian, with the settings next to the figures."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _f(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:.2f}{unit}"


def table(result: dict[str, Any], worker_root: Path) -> str:
    lines = [
        f"Код обработчика: {worker_root}; ядер: {os.cpu_count()}; машина может быть загружена.",
        f"Голый тэггер: {result['bare_rate']:.1f} сообщ./с, {result['bare_cpu_ms']:.2f} мс ЦП"
        " на сообщение",
        "обработчиков  сообщ./с  доля от тэггера  p50/p99 индекс, с  p50/p99 оповещение, с"
        "  RSS, МиБ  мс ЦП/сообщ.  инцидентов (открыто)  открытых оповещений",
    ]
    for run in result["runs"]:
        share = run["rate"] / result["bare_rate"] if result["bare_rate"] else 0
        incidents = (
            "—" if run["incidents"] is None else f"{run['incidents']} ({run['open_incidents']})"
        )
        lines.append(
            f"{run['workers']:>12}  {run['rate']:>8.1f}  {share:>15.0%}"
            f"  {_f(run['p50_indexed_s'])}/{_f(run['p99_indexed_s'])}"
            f"  {_f(run['p50_notified_s'])}/{_f(run['p99_notified_s'])}"
            f"  {run['peak_rss_mib']:>8.0f}  {run['cpu_ms_per_message']:>12.2f}"
            f"  {incidents:>20}  {run['open_alerts']:>19}"
        )
    lines.append(
        f"По времени ЦП (не зависит от нагрузки машины): обработчик тратит на сообщение"
        f" {1 / result['cpu_ratio']:.2f}× времени голого тэггера (доля {result['cpu_ratio']:.0%})"
    )
    if result.get("two_worker_speedup") is not None:
        lines.append(f"Два обработчика быстрее одного в {result['two_worker_speedup']:.2f} раза")
    for run in result["runs"]:
        lines.append(
            f"Оповещение без ожидания маршрута (group_wait/group_interval), обработчиков"
            f" {run['workers']}: p50/p99 {_f(run.get('p50_notified_ungrouped_s'))}"
            f"/{_f(run.get('p99_notified_ungrouped_s'))} с"
        )
    orphans = [r["alerts_without_incident"] for r in result["runs"]]
    if any(o is not None for o in orphans):
        lines.append(f"Оповещений без инцидента: {orphans}")
    return "\n".join(lines)
