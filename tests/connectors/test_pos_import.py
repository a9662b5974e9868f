"""`mcu import pos FILE`: CSV (UTF-8 and Windows-1251) and XLSX registries into the real Kafka."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from tests.connectors.support import ROOT, Run

HEADER = ["Номер", "Дата создания", "Категория", "Подкатегория", "Место проблемы",
          "Текст сообщения", "Срок ответа", "Заявитель", "Статус"]  # fmt: skip


def rows(n: int, base: int) -> list[list[str]]:
    now = datetime.now()
    return [
        [
            f"2026-{base + i}",
            (now - timedelta(days=1, minutes=i)).strftime("%d.%m.%Y %H:%M"),
            "ЖКХ",
            "Отопление",
            f"г. Камышлов, ул. Ленина, {i + 1}",
            f"В квартире {i + 1} холодные батареи, +15 градусов",
            (now + timedelta(days=9)).strftime("%d.%m.%Y"),
            "Иванова Анна Петровна",
            "На рассмотрении",
        ]
        for i in range(n)
    ]


def run_import(run: Run, path: Path) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "streams.cli", "import", "pos", str(path)],
        env={**os.environ, **run.env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_csv_in_windows_1251_with_a_bad_row(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "реестр.csv"
    data = rows(3, 500)
    data.insert(1, ["2026-bad", "вчера", "ЖКХ", "", "", "Текст", "", "", ""])
    with path.open("w", encoding="cp1251", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, *data])
    result = run_import(run, path)
    assert result.returncode == 1, result.stderr
    assert "строка 3: не дата: 'вчера'" in result.stderr
    assert "Загружено обращений ПОС: 3" in result.stdout
    messages = {m["id"]: m for m in run.messages()}
    assert set(messages) == {"pos:2026-500", "pos:2026-501", "pos:2026-502"}
    first = messages["pos:2026-500"]
    assert first["kind"] == "appeal" and first["category_hint"] == "ЖКХ"
    assert first["pos"]["address"] == "г. Камышлов, ул. Ленина, 1"
    assert first["pos"]["deadline"].endswith("23:59:00+05:00") and first["created_at"].endswith(
        "+05:00"
    )


def test_xlsx_interrupted_and_imported_again_gives_the_same_ids(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "реестр.xlsx"
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows(450, 1000)]:
        sheet.append(row)
    book.save(path)
    import os

    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "import", "pos", str(path)],
        env={**os.environ, **run.env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from tests.connectors.support import wait_for

    wait_for(lambda: run.ids() or proc.poll() is not None, 120, "первые обращения")
    proc.kill()  # kill -9 somewhere in the middle (or after the end)
    proc.wait(30)
    result = run_import(run, path)
    assert result.returncode == 0, result.stderr
    expected = {f"pos:2026-{1000 + i}" for i in range(450)}
    assert run.ids() == expected
