"""The site form endpoint (aiohttp) in its own process, writing to the real local Kafka."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from connectors.form import signature
from tests.connectors.support import Run, free_port, listening, wait_for

SECRET = "form-hmac-secret-77"


def start(run: Run, **extra: str) -> str:
    port = free_port()
    run.env.update(
        {
            "MCU_CONNECTORS__FORM__ENABLED": "true",
            "MCU_CONNECTORS__FORM__PORT": str(port),
            "MCU_CONNECTORS__FORM__HMAC_SECRET": SECRET,
            "MCU_CONNECTORS__FORM__MAX_BYTES": "4096",
            **extra,
        }
    )
    run.start("connect", "form")
    wait_for(lambda: listening(port), 60, "порт формы")
    return f"http://127.0.0.1:{port}/form"


def send(url: str, body: Any, *, key: str = SECRET, raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(
        url,
        data=data,
        headers={"Content-Type": "application/json", "X-Signature": signature(key, data)},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")
    except OSError:
        return 0, None


def form(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "text": text,
        "name": "Мария",
        "email": "m@mail.example",
        **extra,
    }


def test_bad_input_gets_a_clear_4xx(run: Run) -> None:
    url = start(run)
    good = form("Не работает уличное освещение на Карла Либкнехта")
    assert send(url, good, key="wrong")[0] == 401
    status, body = send(url, {"id": "x1", "text": ""})
    assert status == 422 and "text" in body["error"]
    assert send(url, form("x", unknown="поле"))[0] == 422
    assert send(url, None, raw=b"{not json")[0] == 422
    assert send(url, form("Очень длинно " * 400))[0] == 413
    status, body = send(url, good)
    assert status == 200 and body["id"] == f"site:{good['id']}"
    [message] = run.wait_ids({body["id"]})
    assert message["source"] == "site" and message["kind"] == "appeal"
    assert message["extra"]["contacts"]["email"] == "m@mail.example"


def test_kill_9_then_the_site_retries_with_the_same_key(run: Run) -> None:
    url = start(run)
    posts = [form(f"Обращение {n}: яма во дворе на Урицкого") for n in range(10)]
    answered = []
    for n, post in enumerate(posts):
        if n == 4:
            run.kill9()  # the site's next posts fail: it keeps them and retries
        status, _ = send(url, post)
        if status == 200:
            answered.append(post["id"])
    assert len(answered) == 4
    url = start(run)
    for post in posts:  # the site retries everything it is unsure of, with the same ids
        assert send(url, post)[0] == 200
    expected = {f"site:{p['id']}" for p in posts}
    run.wait_ids(expected)
    assert run.ids() == expected
    assert len(run.messages()) == len(expected)  # acked keys are not produced twice
