"""Messages through the real Kafka, the tag and index agents, into the real OpenSearch."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

from kafka import KafkaConsumer

from streams.search import written_by_index
from tests.e2e.conftest import WorkerHandle, message, wait_for

TEXTS = [
    "Жители улицы Ленина жалуются на ямы во дворе, когда отремонтируют дорогу?",
    "В Камышлове третий день нет горячей воды на улице Энгельса.",
    "Спасибо Камышловской ЦРБ за быструю помощь, врачи молодцы!",
    "Глава Половников обещал отремонтировать школу №1 ещё летом.",
    "Автобус до Обухово опять не пришёл, люди мёрзнут на остановке.",
    "Когда вывезут мусор с контейнерной площадки на Механизаторов?",
    "На реке Пышме кто-то сливает отходы, вода пахнет химией.",
    "Соболева А.А. провела приём граждан в администрации.",
    "В детском саду «Солнышко» холодно, дети болеют.",
    "Снег на тротуарах улицы Карла Маркса не чистят уже неделю!!!",
]


def indexed_total(handle: WorkerHandle) -> float:
    port = handle.settings.worker.metrics_port
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return sum(
        float(v) for v in re.findall(r"^mcu_messages_indexed_total\{[^}]*\} (\S+)$", body, re.M)
    )


def test_replayed_messages_are_indexed_once_with_lemmas_and_entities(worker: WorkerHandle) -> None:
    thread = f"vk:-1_{uuid.uuid4().hex[:6]}"
    records = [message(t, thread_id=thread if i % 2 else None) for i, t in enumerate(TEXTS)]
    ids = [json.loads(r)["id"] for r in records]
    search = worker.search
    query = {"ids": {"values": ids}}

    before = indexed_total(worker)
    assert worker.publish(records) == len(records)
    wait_for(lambda: (search.refresh(), search.count(written_by_index(ids)))[1] == len(ids))

    docs = {d["id"]: d for d in search.scan(query)}
    assert set(docs) == set(ids)
    for doc in docs.values():
        assert doc["nlp"]["lemmas"], doc["id"]
        assert doc["nlp"]["category"]
        assert doc["tagged_at"] and doc["indexed_at"]
    by_text = {d["text"]: d for d in docs.values()}
    locs = {e["normal"] for e in by_text[TEXTS[1]]["nlp"]["entities"] if e["type"] == "LOC"}
    assert "Камышлов" in locs
    pers = [e for e in by_text[TEXTS[3]]["nlp"]["entities"] if e["type"] == "PER"]
    assert pers and "Половников" in pers[0]["normal"]

    # Russian word forms: "жаловаться" finds "жалуются", "ямы" finds "ям".
    lemma_hits = search.count(
        {"bool": {"filter": [query, {"match": {"nlp.lemmas_text": "жаловаться"}}]}}
    )
    assert lemma_hits == 1
    stem_hits = search.count({"bool": {"filter": [query, {"match": {"text": "яма"}}]}})
    assert stem_hits == 1

    wait_for(lambda: indexed_total(worker) - before >= len(ids))
    assert worker.publish(records) == len(records)
    wait_for(lambda: indexed_total(worker) - before >= 2 * len(ids))
    search.refresh()
    assert search.count(query) == len(ids)


def test_bad_input_goes_to_deadletter_with_reason_and_the_stream_goes_on(
    worker: WorkerHandle,
) -> None:
    good_after = message("Сломался фонарь у дома на улице Гагарина, 5.")
    no_text = json.dumps({"id": f"test:{uuid.uuid4().hex}", "source": "vk"}).encode()
    blank = message("   ")
    not_json = b'{"id": "broken", "text": "unterminated'
    not_utf8 = "Нет воды".encode("cp1251")
    not_object = b'["a", "b"]'
    bad = [not_json, no_text, not_utf8, blank, not_object]
    consumer = KafkaConsumer(
        worker.settings.kafka.topics.deadletter,
        bootstrap_servers=worker.settings.kafka.bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=2000,
        group_id=None,
    )
    worker.publish([*bad, good_after])

    good_id = json.loads(good_after)["id"]
    search = worker.search
    wait_for(lambda: (search.refresh(), search.count(written_by_index([good_id])))[1] == 1)

    reasons: dict[bytes, str] = {}

    def collect() -> bool:
        for record in consumer:
            headers = dict(record.headers)
            reasons[record.value] = headers["mcu-reason"].decode()
        return all(b in reasons for b in bad)

    wait_for(collect, timeout=60)
    consumer.close()
    assert reasons[not_json].startswith("not JSON")
    assert reasons[no_text].startswith("no text")
    assert reasons[not_utf8].startswith("not UTF-8")
    assert "пустой текст" in reasons[blank]
    assert reasons[not_object].startswith("not a JSON object")


def test_an_edit_replaces_the_text_and_a_deletion_keeps_it_marked(worker: WorkerHandle) -> None:
    first = message("Яма на улице Ленина у дома 5, объезжаем по встречке.")
    ident = json.loads(first)["id"]
    search = worker.search

    def doc() -> dict[str, object]:
        search.refresh()
        hits = list(search.scan({"ids": {"values": [ident]}}))
        return hits[0] if hits else {}

    worker.publish([first])
    wait_for(lambda: doc().get("text"))
    edited = message("Яма на улице Ленина у дома 7, объезжаем по встречке.", id=ident)
    worker.publish([json.dumps({**json.loads(edited), "status": "edited"}).encode()])
    wait_for(lambda: doc().get("message_status") == "edited")
    assert "дома 7" in str(doc()["text"])
    deletion = message("(сообщение удалено)", id=ident, status="deleted")
    worker.publish([deletion])
    wait_for(lambda: doc().get("message_status") == "deleted")
    # Still found by its words, marked deleted.
    search.refresh()
    found = search.count(
        {"bool": {"must": [{"match": {"text": "встречке"}}, {"ids": {"values": [ident]}}]}}
    )
    assert found == 1
    assert "дома 7" in str(doc()["text"])
