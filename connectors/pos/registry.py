"""`mcu import pos FILE`: a ПОС registry exported as CSV or XLSX → appeals on the raw topic.

Columns are found by their Russian titles (any order, any case); a row that cannot become an
appeal is reported with its line number, the others are sent. Re-importing is harmless:
the id is `pos:<номер>`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.kafka import Sink, ensure_cursor_topic
from connectors.mail.pos import parse_deadline
from connectors.message import Wire
from connectors.pos import appeal
from connectors.settings import ConnectorSettings
from streams.topics import ensure_topics

COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("номер", "номер сообщения", "номер обращения", "№", "id"),
    "created": ("дата создания", "дата поступления", "дата регистрации", "дата"),
    "category": ("категория",),
    "subcategory": ("подкатегория",),
    "address": ("место проблемы", "адрес проблемы", "адрес"),
    "applicant": ("заявитель", "фио заявителя", "автор"),
    "applicant_address": ("адрес заявителя",),
    "text": ("текст сообщения", "текст обращения", "текст", "описание"),
    "deadline": ("срок ответа", "крайний срок ответа", "срок рассмотрения", "срок"),
    "status": ("статус",),
    "url": ("ссылка",),
}
REQUIRED = ("number", "created", "text")
BATCH = 200


class BadRegistry(ValueError):
    """The file as a whole cannot be read (format, missing columns)."""


def _columns(header: list[str]) -> dict[str, int]:
    names = [str(h or "").strip().lower().rstrip(":") for h in header]
    found: dict[str, int] = {}
    for field, titles in COLUMNS.items():
        for title in titles:
            if title in names and names.index(title) not in found.values():
                found[field] = names.index(title)
                break
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in found]
    if missing:
        raise BadRegistry(f"нет столбцов: {', '.join(missing)} (найдены: {', '.join(names)})")
    return found


def _rows(path: Path) -> Iterator[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise BadRegistry(f"не читается как XLSX: {exc}") from exc
        for row in book.active.iter_rows(values_only=True):
            yield [
                "" if v is None else (v.isoformat() if isinstance(v, datetime) else str(v))
                for v in row
            ]
        return
    if path.suffix.lower() != ".csv":
        raise BadRegistry("нужен файл .csv или .xlsx")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte string
        raise BadRegistry("неизвестная кодировка")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    yield from csv.reader(io.StringIO(text), dialect)


def _date(value: str, zone: ZoneInfo) -> datetime:
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
            try:
                moment = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"не дата: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def read(path: Path, settings: ConnectorSettings) -> tuple[list[Wire], list[str]]:
    """(appeals, problems): every good row, and «строка N: причина» for the others."""
    zone = ZoneInfo(settings.connectors.pos.timezone)
    rows = _rows(path)
    try:
        header = next(rows)
    except StopIteration:
        raise BadRegistry("файл пуст") from None
    cols = _columns(header)
    out: list[Wire] = []
    problems: list[str] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(field: str, row: list[str] = row) -> str | None:
            i = cols.get(field)
            return row[i].strip() or None if i is not None and i < len(row) else None

        number, text = cell("number"), cell("text")
        try:
            if not number or not text:
                raise ValueError("пустой номер или текст")
            out.append(
                appeal(
                    number=number.lstrip("№ "),
                    text=text,
                    created_at=_date(cell("created") or "", zone),
                    url=cell("url") or settings.connectors.pos.public_url.format(number=number),
                    category=cell("category"),
                    subcategory=cell("subcategory"),
                    address=cell("address"),
                    applicant=cell("applicant"),
                    applicant_address=cell("applicant_address"),
                    deadline=parse_deadline(cell("deadline") or "", zone),
                    status=cell("status"),
                )
            )
        except ValueError as exc:
            problems.append(f"строка {line}: {exc}")
    return out, problems


async def import_file(settings: ConnectorSettings, path: Path) -> tuple[int, list[str]]:
    """Sends the registry's appeals (acks=all) in batches; returns (sent, problems)."""
    appeals, problems = read(path, settings)
    kafka = settings.kafka
    options = kafka.client_options()
    ensure_topics(kafka.bootstrap, kafka.topics, kafka.partitions, options=options)
    cursor_topic = f"{kafka.topic_prefix}{settings.connectors.cursor_topic}"
    ensure_cursor_topic(kafka.bootstrap, cursor_topic, kafka.replicas, options)
    sink = Sink(kafka.bootstrap, kafka.topics.raw, cursor_topic, options)
    await sink.start()
    try:
        for start in range(0, len(appeals), BATCH):
            await sink.send(appeals[start : start + BATCH])
    finally:
        await sink.stop()
    return len(appeals), problems
