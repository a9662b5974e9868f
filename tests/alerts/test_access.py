"""Per-person API tokens (only hashes in the roster), roles, and who an alert reached."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alertkit import CONFIG_FILES, at, example_config, message

from alerts.access import SHARED_TOKEN_ID, Caller, Tokens, hash_token, new_token
from alerts.config import load_config
from alerts.delivery import DeliveryLog
from alerts.engine import Engine
from alerts.errors import ConfigError
from alerts.recipients import recipients
from alerts.router import Router
from alerts.state import State

HASH = hash_token("mcu_example-token")


@pytest.mark.parametrize(
    ("people", "line", "reason"),
    [
        (
            f'    - {{id: a, name: А, api_tokens: ["{HASH}"]}}\n'
            f'    - {{id: b, name: Б, api_tokens: ["{HASH}"]}}\n',
            4,
            "этот токен уже у 'a'",
        ),
        ("    - {id: a, name: А, api_tokens: [mcu_plain-token-in-config]}\n", 3, "sha256"),
        (f'    - {{id: a, name: А, api_tokens: ["{HASH}"], api_role: root}}\n', 3, "viewer"),
    ],
)
def test_roster_tokens_are_checked(tmp_path: Path, people: str, line: int, reason: str) -> None:
    roster = tmp_path / "roster.yaml"
    roster.write_text("roster:\n  people:\n" + people, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config([CONFIG_FILES[0], CONFIG_FILES[1], roster])
    assert f"{roster}:{line}" in str(caught.value) and reason in str(caught.value)


def test_tokens_map_to_people_and_roles() -> None:
    token = new_token()
    config = example_config()
    people = [
        p.model_copy(update={"api_tokens": [hash_token(token)], "api_role": "admin"})
        if p.id == "sentsova"
        else p
        for p in config.roster.people
    ]
    tokens = Tokens(config.roster.model_copy(update={"people": people}), "shared-token-xyz")
    assert tokens.caller(token) == Caller("sentsova", "admin")
    assert tokens.caller("shared-token-xyz") == Caller(SHARED_TOKEN_ID, "operator")
    assert tokens.caller(hash_token(token)) is None
    assert tokens.caller("") is None and tokens.caller(token + "x") is None
    assert Tokens(config.roster).caller("shared-token-xyz") is None
    assert token != new_token()


def test_recipients_are_the_people_the_alert_was_delivered_to() -> None:
    config = example_config()
    engine, router, state, log = Engine(config), Router(config), State(), DeliveryLog()
    msg = message("vk:-1_9100", "Разнесу вашу контору!", conflict=True, reasons=("aggression",))
    (event,) = engine.on_message(state, msg, at("2026-03-10 10:00")).alerts
    router.on_event(state, event, at("2026-03-10 10:00"))
    due = router.on_tick(state, at("2026-03-10 10:01"))
    log.enqueue_all(due, at("2026-03-10 10:01"))
    assert recipients(log.records(), engine.roster, event.alert.id) == set()
    for note in due:
        log.mark_sent(note.key, at("2026-03-10 10:01") + timedelta(seconds=1))
    # The department's member and the МЦУ duty chat's members; nobody else.
    assert recipients(log.records(), engine.roster, event.alert.id) == {
        "bessonov",
        "sentsova",
        "romanyuk",
    }
    assert recipients(log.records(), engine.roster, "other") == set()


def test_a_channel_the_host_cannot_deliver_to_is_not_planned() -> None:
    config = example_config()
    engine, state = Engine(config), State()
    router = Router(config, channels=["email"])
    msg = message("vk:-1_9200", "Разнесу вашу контору!", conflict=True, reasons=("aggression",))
    (event,) = engine.on_message(state, msg, at("2026-03-10 10:00")).alerts
    router.on_event(state, event, at("2026-03-10 10:00"))
    due = router.on_tick(state, at("2026-03-10 10:01"))
    assert due and {n.channel for n in due} == {"email"}
