"""Each rule kind fires on real-looking Russian messages and resolves."""

from __future__ import annotations

import json

import pytest
from alertkit import at, example_config, message, reply

from alerts.engine import Engine, Outcome
from alerts.model import AlertEvent
from alerts.state import State

ENGINE = Engine(example_config())


def events(outcome: Outcome, rule: str | None = None) -> list[tuple[str, str, str]]:
    return [
        (e.type, e.alert.rule, e.alert.severity)
        for e in outcome.alerts
        if rule is None or e.alert.rule == rule
    ]


def only(outcome: Outcome, rule: str) -> AlertEvent:
    found = [e for e in outcome.alerts if e.alert.rule == rule]
    assert len(found) == 1, outcome.alerts
    return found[0]


@pytest.mark.parametrize(
    ("text", "nlp", "severity", "reasons"),
    [
        (
            "Вы там совсем обнаглели?! Я вам устрою, приду лично разбираться!",
            {"conflict": True, "reasons": ("aggression", "outrage")},
            "critical",
            "aggression,outrage",
        ),
        (
            "Чиновники опять всё украли, дорогу на Ленина так и не сделали",
            {"conflict": True, "reasons": ("accusation",)},
            "warning",
            "accusation",
        ),
        (
            "Собираем подписи и идём к прокурору, раз администрация молчит",
            {"conflict": True, "reasons": ("collective_action",)},
            "critical",
            "collective_action",
        ),
        (
            "Да пошли вы все со своей управляйкой, бездельники",
            {"toxicity": 0.93},
            "critical",
            "toxic",
        ),
    ],
)
def test_conflict_fires_with_severity_from_reasons(
    text: str, nlp: dict[str, object], severity: str, reasons: str
) -> None:
    state = State()
    msg = message(
        "vk:-1_100",
        text,
        conflict=bool(nlp.get("conflict")),
        reasons=tuple(nlp.get("reasons", ())),  # type: ignore[arg-type]
        toxicity=float(nlp.get("toxicity", 0.1)),  # type: ignore[arg-type]
    )
    event = only(ENGINE.on_message(state, msg, at("2026-03-10 10:01")), "conflict")
    assert (event.type, event.alert.severity) == ("firing", severity)
    assert event.alert.annotations["reasons"] == reasons
    assert event.alert.labels["department"] == "zhkh"
    assert event.alert.item_id == "vk:-1_100"


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("Спасибо за оперативный ремонт трубы на Строителей!", {"sentiment": "positive"}),
        ("Когда дадут горячую воду на Энгельса?", {"question": True, "sentiment": "neutral"}),
        ("Вы там совсем обнаглели, разбираться будем!", {"official": True, "conflict": True}),
    ],
)
def test_conflict_stays_silent(text: str, fields: dict[str, object]) -> None:
    msg = message("vk:-1_101", text, **fields)  # type: ignore[arg-type]
    assert events(ENGINE.on_message(State(), msg, at("2026-03-10 10:01")), "conflict") == []


def test_conflict_resolves_on_official_reply_and_never_refires() -> None:
    state = State()
    msg = message(
        "vk:-1_200",
        "Третий день без отопления, дети мёрзнут, а вам плевать!",
        conflict=True,
        reasons=("outrage",),
        complaint=True,
    )
    fired = only(ENGINE.on_message(state, msg, at("2026-03-10 10:01")), "conflict")
    answer = reply(
        "vk:-1_201",
        "vk:-1_200",
        "Аварийная бригада УК «Дом-Сервис» выехала, подача тепла будет восстановлена до 18:00.",
        "2026-03-10 11:30",
    )
    out = ENGINE.on_message(state, answer, at("2026-03-10 11:31"))
    resolved = only(out, "conflict")
    assert resolved.type == "resolved"
    assert resolved.alert.id == fired.alert.id
    assert resolved.alert.resolution == "item_answered"
    assert [i["status"] for i in out.items] == ["answered"]
    # Kafka may redeliver: the same message must not raise the alert again.
    assert events(ENGINE.on_message(state, msg, at("2026-03-10 12:00")), "conflict") == []


def _negative(n: int, minute: int, **extra: object) -> dict[str, object]:
    return message(
        f"vk:-1_3{n:02d}",
        f"Яма на дороге по улице Ленина, пробил колесо, уже {n}-й случай за день",
        created=f"2026-03-10 10:{minute:02d}",
        category="roads",
        complaint=True,
        author=(f"vk:{2000 + n}", f"Житель {n}"),
        **extra,  # type: ignore[arg-type]
    )


def test_spike_fires_once_per_problem_updates_and_resolves() -> None:
    state = State()
    outs = [
        ENGINE.on_message(state, _negative(n, n * 5), at(f"2026-03-10 10:{n * 5:02d}"))
        for n in range(6)
    ]
    spikes = [events(o, "spike-category") for o in outs]
    assert spikes[:4] == [[], [], [], []]
    assert spikes[4] == [("firing", "spike-category", "warning")]
    # It updates as the problem grows (twice the count, or a higher severity), not per message.
    assert spikes[5] == []
    alert = only(outs[4], "spike-category").alert
    assert alert.annotations["count"] == "5"
    assert alert.labels["problem"] == "category=roads"
    # The alert points to the incidents it counts.
    assert alert.item_id in alert.members and ENGINE.item(state, alert.item_id) is not None
    # Redelivery of a counted message changes nothing.
    assert (
        events(ENGINE.on_message(state, _negative(5, 25), at("2026-03-10 10:40")), "spike-category")
        == []
    )
    quiet = ENGINE.on_tick(state, at("2026-03-10 12:06"))
    assert events(quiet, "spike-category") == [("resolved", "spike-category", "warning")]
    assert quiet.alerts[0].alert.resolution == "spike_over"


def test_spike_needs_the_messages_inside_the_window() -> None:
    state = State()
    for n in range(5):
        created = f"2026-03-10 {9 + n:02d}:00"
        msg = _negative(n, 0) | {"created_at": at(created).isoformat()}
        assert events(ENGINE.on_message(state, msg, at(created)), "spike-category") == []


def test_spike_by_address_counts_across_categories() -> None:
    state = State()
    texts = [
        ("Во дворе дома Ленина, 12 третий день не вывозят мусор", "housing"),
        ("У дома Ленина, 12 разбита дорога, не проехать", "roads"),
        ("Ленина, 12: не горят фонари во дворе", "improvement"),
    ]
    outs = []
    for n, (text, category) in enumerate(texts):
        msg = message(
            f"vk:-1_40{n}",
            text,
            category=category,
            addresses=("улица Ленина, 12",),
            author=(f"vk:{3000 + n}", "Житель"),
            created=f"2026-03-10 1{n}:00",
        )
        outs.append(ENGINE.on_message(state, msg, at(f"2026-03-10 1{n}:00")))
    assert [events(o, "spike-address") for o in outs] == [
        [],
        [],
        [("firing", "spike-address", "warning")],
    ]
    assert only(outs[2], "spike-address").alert.labels["address"] == "улица Ленина, 12"


def test_operator_resolves_a_spike_and_it_needs_new_messages_to_return() -> None:
    from alerts.actions import Action

    state = State()
    for n in range(5):
        ENGINE.on_message(state, _negative(n, n), at(f"2026-03-10 10:{n:02d}"))
    (spike,) = [a for a in ENGINE.active_alerts(state) if a.rule == "spike-category"]
    out = ENGINE.on_action(
        state,
        Action(spike.id, "resolve", "romanyuk", at("2026-03-10 10:10")),
        at("2026-03-10 10:10"),
    )
    assert events(out, "spike-category") == [("resolved", "spike-category", "warning")]
    assert (
        events(ENGINE.on_message(state, _negative(6, 11), at("2026-03-10 10:11")), "spike-category")
        == []
    )


def test_repeat_complaint_same_author_same_problem() -> None:
    state = State()
    author = ("vk:5005", "Мария Сидорова")
    first = message(
        "vk:-1_500",
        "Не работает фонарь у дома Карла Маркса, 5, вечером темно",
        category="improvement",
        addresses=("улица Карла Маркса, 5",),
        complaint=True,
        author=author,
        created="2026-03-02 18:00",
    )
    other = message(
        "vk:-1_501",
        "В школе №1 холодно в классах",
        category="education",
        complaint=True,
        author=author,
        created="2026-03-05 10:00",
    )
    again = message(
        "vk:-1_502",
        "Пишу повторно: фонарь у Карла Маркса, 5 так и не починили",
        category="improvement",
        addresses=("улица Карла Маркса, 5",),
        complaint=True,
        author=author,
        created="2026-03-10 10:00",
    )
    assert events(ENGINE.on_message(state, first, at("2026-03-02 18:00")), "repeat-complaint") == []
    assert events(ENGINE.on_message(state, other, at("2026-03-05 10:00")), "repeat-complaint") == []
    fired = only(ENGINE.on_message(state, again, at("2026-03-10 10:00")), "repeat-complaint")
    assert fired.type == "firing"
    # The unanswered problem at the same address is one incident, the first message's.
    assert fired.alert.item_id == "vk:-1_500"
    assert fired.alert.annotations["previous_count"] == "1"
    answer = reply(
        "vk:-1_503",
        "vk:-1_502",
        "Замена светильника запланирована на 12.03, подрядчик — МУП «Горсвет».",
        "2026-03-10 12:00",
    )
    assert events(ENGINE.on_message(state, answer, at("2026-03-10 12:00")), "repeat-complaint") == [
        ("resolved", "repeat-complaint", "warning")
    ]


def test_repeat_complaint_forgets_after_the_lookback() -> None:
    state = State()
    author = ("vk:6006", "Пётр")
    old = message(
        "vk:-1_600",
        "Опять нет воды на Энгельса",
        complaint=True,
        author=author,
        created="2026-01-05 10:00",
    )
    new = message(
        "vk:-1_601",
        "Нет воды на Энгельса",
        complaint=True,
        author=author,
        created="2026-03-10 10:00",
    )
    ENGINE.on_message(state, old, at("2026-01-05 10:00"))
    assert events(ENGINE.on_message(state, new, at("2026-03-10 10:00")), "repeat-complaint") == []


def test_viral_negative_grows_then_resolves() -> None:
    state = State()
    base = {
        "kind": "post",
        "category": "health",
        "complaint": True,
    }
    text = "В приёмном покое ЦРБ пять часов ждали врача с температурой 39, это нормально?"

    def post(likes: int, reposts: int, comments: int) -> dict[str, object]:
        return message(
            "vk:-1_700",
            text,
            reactions={"likes": likes, "reposts": reposts, "comments": comments, "views": 5000},
            **base,  # type: ignore[arg-type]
        )

    assert (
        events(ENGINE.on_message(state, post(40, 5, 10), at("2026-03-10 10:05")), "viral-negative")
        == []
    )
    assert events(
        ENGINE.on_message(state, post(200, 20, 30), at("2026-03-10 11:00")), "viral-negative"
    ) == [("firing", "viral-negative", "warning")]
    # A small growth is not worth a new message.
    assert (
        events(
            ENGINE.on_message(state, post(210, 20, 30), at("2026-03-10 11:10")), "viral-negative"
        )
        == []
    )
    grown = ENGINE.on_message(state, post(600, 60, 90), at("2026-03-10 12:00"))
    assert events(grown, "viral-negative") == [("updated", "viral-negative", "critical")]
    assert only(grown, "viral-negative").alert.annotations["score"] == "1220"
    answer = reply(
        "vk:-1_701",
        "vk:-1_700",
        "Главный врач Кузнецов И.П. провёл проверку; с 11.03 в приёмном покое дежурят два врача.",
        "2026-03-10 13:00",
    )
    assert events(ENGINE.on_message(state, answer, at("2026-03-10 13:00")), "viral-negative") == [
        ("resolved", "viral-negative", "critical")
    ]


@pytest.mark.parametrize(
    ("reply_text", "flags", "severity", "reasons"),
    [
        (
            "Ваше обращение направлено в профильное ведомство "
            "и будет рассмотрено в установленном порядке.",
            {"formal": True},
            "warning",
            "formal_reply",
        ),
        (
            "Читать научитесь, всё давно написано на сайте.",
            {"rude": True},
            "critical",
            "rude_reply",
        ),
    ],
)
def test_bad_reply_fires_and_a_substantive_reply_resolves(
    reply_text: str, flags: dict[str, bool], severity: str, reasons: str
) -> None:
    state = State()
    question = message(
        "vk:-1_800",
        "Когда отремонтируют крышу в доме Свердлова, 41? Течёт в подъезде",
        category="housing",
        question=True,
        complaint=True,
    )
    ENGINE.on_message(state, question, at("2026-03-10 10:00"))
    bad = ENGINE.on_message(
        state,
        reply("vk:-1_801", "vk:-1_800", reply_text, "2026-03-10 11:00", **flags),
        at("2026-03-10 11:00"),
    )
    event = only(bad, "bad-reply")
    assert (event.type, event.alert.severity) == ("firing", severity)
    assert event.alert.annotations["reasons"] == reasons
    assert event.alert.annotations["reply_id"] == "vk:-1_801"
    assert event.alert.labels["category"] == "housing"
    good = reply(
        "vk:-1_802",
        "vk:-1_800",
        "Ремонт кровли дома Свердлова, 41 включён в план УК на 20.03, "
        "ответственный — инженер Смирнов.",
        "2026-03-11 10:00",
    )
    out = ENGINE.on_message(state, good, at("2026-03-11 10:00"))
    assert events(out, "bad-reply") == [("resolved", "bad-reply", severity)]
    assert only(out, "bad-reply").alert.resolution == "good_reply"


def test_state_survives_json_between_calls() -> None:
    """What a faust table stores: every value JSON, restored state behaves the same."""
    state = State()
    for n in range(4):
        ENGINE.on_message(state, _negative(n, n), at(f"2026-03-10 10:{n:02d}"))
    restored = State.from_dict(json.loads(json.dumps(state.to_dict())))
    out = ENGINE.on_message(restored, _negative(4, 4), at("2026-03-10 10:04"))
    assert events(out, "spike-category") == [("firing", "spike-category", "warning")]
