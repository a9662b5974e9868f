"""Records a citizen, a connector or an operator could send that once crashed an agent: each goes
to the dead letters with its stage and reason, its neighbours are indexed, no agent restarts."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from streams.deadletters import DeadLetter, read
from streams.replay import publish
from tests.e2e.conftest import WorkerHandle, message, wait_for

# A recent moment, taken from the clock: the forged times are wrong by form, not by date.
EARLIER = datetime.now(UTC) - timedelta(days=15)

DEEP = b"[" * 10_000 + b"]" * 10_000


def raw(**fields: object) -> bytes:
    body: dict[str, object] = {
        "id": f"bad:{uuid.uuid4().hex}",
        "source": "vk",
        "text": "Яма на улице Ленина",
    }
    body.update(fields)
    return json.dumps(body, ensure_ascii=False).encode()


def escaped(text: str) -> bytes:
    """A record whose JSON carries `text` as written (escapes such as \\ud800 included)."""
    return ('{"id": "bad:' + uuid.uuid4().hex + '", "text": "' + text + '"}').encode()


BAD_MESSAGES: list[tuple[str, bytes, str]] = [
    ("surrogate in text", escaped("\\ud800 яма"), "invalid string"),
    ("surrogate in id", b'{"id": "vk:\\ud800", "text": "x"}', "invalid string"),
    ("deep JSON", DEEP, "not JSON"),
    ("5000 digits", b'{"id": "bad:digits", "text": "x", "n": ' + b"7" * 5000 + b"}", "not JSON"),
    ("year 1", raw(created_at="0001-01-01T00:00:00+05:00"), "invalid created_at"),
    ("year 9999", raw(created_at="9999-12-31T23:59:59+05:00"), "invalid created_at"),
    ("epoch created_at", raw(created_at=int(EARLIER.timestamp())), "invalid created_at"),
    ("not an object", b"[1, 2]", "not a JSON object"),
]
BAD_RESPONSES: list[tuple[str, bytes, str]] = [
    ("response list", b"[1,2]", "not a JSON object"),
    ("response string", b'"x"', "not a JSON object"),
    (
        "response at вчера",
        json.dumps({"item_id": "x", "status": "answered", "at": "вчера"}).encode(),
        "invalid at",
    ),
]


def dead_letters(worker: WorkerHandle) -> list[DeadLetter]:
    settings = worker.settings.kafka
    return list(read(settings.bootstrap, settings.topics.deadletter))


def indexed(worker: WorkerHandle, ids: list[str]) -> dict[str, dict[str, Any]]:
    search = worker.search
    search.refresh()
    return {doc["id"]: doc for doc in search.scan({"ids": {"values": ids}})}


@pytest.fixture(scope="module")
def fed(worker: WorkerHandle) -> dict[str, Any]:
    """Every bad record between two good ones, all sent at once; the good ones indexed."""
    goods: list[bytes] = []
    records: list[bytes] = []
    for n, (_, bad, _) in enumerate(BAD_MESSAGES):
        before = message(f"Не горит фонарь у дома {n} на улице Гагарина.")
        after = message(f"Спасибо за ремонт крыльца дома {n} на улице Мира!")
        goods += [before, after]
        records += [before, bad, after]
    # Derived fields in input are not trusted: these are indexed, with our own values.
    forged = message(
        "Третий день нет воды в доме на Механизаторов, 7, сколько можно!",
        department="nobody",
        ingested_at=EARLIER.replace(tzinfo=None).isoformat(),
        nlp={"category": "culture"},
        overdue=True,
    )
    numeric = message("Когда починят дорогу на Строителей?", ingested_at=int(EARLIER.timestamp()))
    # 430 KB of text: over the 256 KB limit, and over the producer's 1 MiB once tagged in full.
    huge = message("Жалоба. " + "Во дворе дома 5 на улице Мира не горит фонарь и нет урн. " * 4400)
    assert len(huge) > 430_000
    goods += [forged, numeric, huge]
    records += [forged, numeric, huge]
    settings = worker.settings.kafka
    assert publish(settings.bootstrap, records, settings.topics.raw) == len(records)
    responses = [r for _, r, _ in BAD_RESPONSES]
    assert publish(settings.bootstrap, responses, settings.topics.responses) == len(responses)
    ids = [json.loads(g)["id"] for g in goods]
    wait_for(lambda: len(indexed(worker, ids)) == len(ids), timeout=180)

    def all_dead() -> bool:
        values = {d.value for d in dead_letters(worker)}
        return all(r in values for _, r, _ in BAD_MESSAGES + BAD_RESPONSES)

    wait_for(all_dead, timeout=60)
    return {
        "ids": ids,
        "forged": json.loads(forged)["id"],
        "numeric": json.loads(numeric)["id"],
        "huge": json.loads(huge)["id"],
    }


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("case", "bad", "reason"), BAD_MESSAGES, ids=[c for c, _, _ in BAD_MESSAGES]
)
def test_a_bad_message_is_a_dead_letter_with_its_reason(
    worker: WorkerHandle, fed: dict[str, Any], case: str, bad: bytes, reason: str
) -> None:
    (letter,) = [d for d in dead_letters(worker) if d.value == bad]
    assert letter.stage == "tag"
    assert letter.reason.startswith(reason), letter.reason
    assert letter.origin == worker.settings.kafka.topics.raw


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("case", "bad", "reason"), BAD_RESPONSES, ids=[c for c, _, _ in BAD_RESPONSES]
)
def test_a_bad_response_is_a_dead_letter_with_its_reason(
    worker: WorkerHandle, fed: dict[str, Any], case: str, bad: bytes, reason: str
) -> None:
    (letter,) = [d for d in dead_letters(worker) if d.value == bad]
    assert letter.stage == "alerts"
    assert letter.reason.startswith(reason), letter.reason


@pytest.mark.e2e
def test_derived_fields_come_from_the_pipeline_not_from_input(
    worker: WorkerHandle, fed: dict[str, Any]
) -> None:
    docs = indexed(worker, [fed["forged"], fed["numeric"]])
    forged = docs[fed["forged"]]
    assert forged["department"] != "nobody"
    assert forged["nlp"]["category"] == "housing"
    assert forged.get("overdue") is not True
    for doc in docs.values():
        ingested = datetime.fromisoformat(doc["ingested_at"])
        assert ingested.tzinfo is not None
        assert abs(datetime.now(UTC) - ingested) < timedelta(hours=1)


@pytest.mark.e2e
def test_a_text_over_the_limit_is_cut_flagged_and_indexed(
    worker: WorkerHandle, fed: dict[str, Any]
) -> None:
    doc = indexed(worker, [fed["huge"]])[fed["huge"]]
    assert doc["truncated"] is True and doc["text_bytes"] > 430_000
    assert len(doc["text"].encode()) <= 256 * 1024
    assert doc["nlp"]["truncated"] is True and doc["nlp"]["category"]


@pytest.mark.e2e
def test_no_agent_crashed_or_restarted(worker: WorkerHandle, fed: dict[str, Any]) -> None:
    assert worker.proc is not None and worker.proc.poll() is None
    log = worker.log.read_text(encoding="utf-8", errors="replace")
    assert "Crashed reason" not in log
    assert "Restarting" not in log
