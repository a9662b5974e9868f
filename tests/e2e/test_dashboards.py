"""The dashboards against an end-to-end run: a real Prometheus (Debian's package) scrapes the
session's worker while messages go through Kafka, NLP and OpenSearch; every Grafana panel query
must parse and return data, and every Kibana saved-object field must be in the live mapping."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.search import written_by_index
from tests.e2e.conftest import WorkerHandle, ago, message, wait_for
from tests.grafana.support import (
    PROMETHEUS,
    ROOT,
    evaluate,
    has_data,
    load_module,
    panel_queries,
    prometheus,
    scrapes,
)

KIBANA = load_module(ROOT / "kibana" / "build.py")
TEXTS = [
    "Во дворе дома на Ленина, 12 уже неделю не вывозят мусор, когда это прекратится?",
    "Вы там совсем обнаглели? Третий раз пишу про воду, всем плевать! Пойдём всем домом к главе.",
    "Спасибо администрации за новую детскую площадку на улице Гагарина!",
    "Яма на Свердлова возле рынка стала ещё больше, вчера пробил колесо!",
    "Подскажите, когда начнётся запись в первый класс в школу № 3?",
    "Автобус до Обухово опять не пришёл, люди мёрзнут на остановке.",
]
pytestmark = pytest.mark.skipif(
    not Path(PROMETHEUS).exists(), reason="нужен Prometheus: apt-get install prometheus"
)


@pytest.fixture(scope="module")
def prometheus_url(worker: WorkerHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prometheus scraping the worker while a batch of messages goes through the pipeline."""
    home = tmp_path_factory.mktemp("prometheus-e2e")
    with prometheus(worker.settings.worker.metrics_port, home) as base:
        thread = f"vk:-1_{uuid.uuid4().hex[:6]}"
        records = [message(t, thread_id=thread, source="vk") for t in TEXTS]
        # A letter that must be answered, and its answer: response time, replies, ratings.
        records.append(
            message(
                "Прошу принять меры: во дворе дома на Ленина, 12 неделю не вывозят мусор.",
                source="email",
                kind="appeal",
                created_at=ago(hours=2),
            )
        )
        answered = json.loads(records[-1])["id"]
        records.append(
            message(
                "Здравствуйте! Контейнеры во дворе на Ленина, 12 вывезены сегодня, график "
                "вывоза ТКО восстановлен с понедельника. Начальник отдела ЖКХ Бессонов Е.А.",
                kind="reply",
                thread_id=answered,
                parent_id=answered,
                created_at=ago(minutes=30),
                author={"id": "adm", "name": "Администрация", "is_official": True},
            )
        )
        records.append(b'{"id": "broken", "text": "unterminated')
        ids = [json.loads(r)["id"] for r in records[:-1]]
        search = worker.search
        assert worker.publish(records) == len(records)
        wait_for(lambda: (search.refresh(), search.count(written_by_index(ids)))[1] == len(ids))
        # The ratings read what the status indexer adds after the message is indexed: the
        # appeal's answer. Waiting for the messages alone raced it on a busy machine.
        appeal = {
            "bool": {
                "filter": [{"ids": {"values": [answered]}}, {"exists": {"field": "answered_at"}}]
            }
        }
        wait_for(lambda: (search.refresh(), search.count(appeal))[1] == 1, timeout=60)
        # A few scrapes after the batch, so rate() and increase() see it, and after a round of
        # the ratings timer (every 3 s here) that read the answer.
        seen = scrapes(base, "mcu-worker")
        wait_for(lambda: scrapes(base, "mcu-worker") >= seen + 5, timeout=30)
        yield base


# The sources row reads the connector processes (job mcu-connectors), not the worker:
# tests/connectors/test_sources_row.py checks it against a running connector.
QUERIES = [q for q in panel_queries() if "mcu_connector_" not in q[3]]


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("board", "panel", "ref", "expr"), QUERIES, ids=[f"{q[1]}#{q[2]}" for q in QUERIES]
)
def test_panel_query_on_the_worker(
    prometheus_url: str, board: str, panel: str, ref: str, expr: str
) -> None:
    error, values = evaluate(prometheus_url, expr, rate_interval="1m", range_="1h")
    assert not error, f"{board} / {panel}: {error}"
    assert has_data(values), f"{board} / {panel}: нет данных ({values}) для {expr}"


@pytest.mark.e2e
def test_saved_object_fields_exist_in_the_live_mapping(
    worker: WorkerHandle, prometheus_url: str
) -> None:
    mapping = worker.search.mapping()
    fields = flatten(mapping)
    for path in sorted((ROOT / "kibana" / "saved_objects").glob("*.ndjson")):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            missing = KIBANA.fields_used(obj) - fields
            assert not missing, f"{path.name} {obj['id']}: нет в индексе {sorted(missing)}"


def flatten(properties: dict[str, object], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, spec in properties.items():
        assert isinstance(spec, dict)
        if "properties" in spec:
            out |= flatten(spec["properties"], f"{prefix}{name}.")
            continue
        out.add(f"{prefix}{name}")
        out |= {f"{prefix}{name}.{sub}" for sub in spec.get("fields", {})}
    return out
