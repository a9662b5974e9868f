"""Personal data masked in alert texts; only http(s) links; ids escaped in the Kibana link."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import pytest
from alertkit import at, example_config, message

from alerts.engine import Engine
from alerts.links import kibana_id, safe_url
from alerts.pii import PiiMask, mask_contacts, mask_name
from alerts.router import Router
from alerts.state import State
from alerts.templates import Rendered

# Texts as citizens write them; every phone and e-mail must disappear, the rest stay.
PHONES = [
    ("Звоните мне на +7 (912) 345-67-89, жду ответа", "345-67"),
    ("мой номер 8 912 345 67 89, перезвоните", "912 345"),
    ("Телефон для связи 89123456789", "891234567"),
    ("контакт: +79123456789 (Ирина)", "7912345"),
    ("тел.8-912-345-67-89 звонить после 18", "912-345"),
    ("пишите в вотсап 912-345-67-89", "912-345"),
    ("Приёмная: 8 (34375) 2-14-56, никто не берёт", "34375"),
    ("ЖЭК 2-14-56 трубку не берёт третий день", "2-14"),
    ("диспетчерская 8 (3439) 12-34-56", "3439"),
    ("номер +7 912 3456789 — это мой", "3456"),
]
EMAILS = [
    ("Ответ прошу направить на ivanova.m@mail.ru", "ivanova", "i***@mail.ru"),
    ("почта: petrov_1975@yandex.ru, жду", "petrov", "p***@yandex.ru"),
    ("Пишите на иван@мэрия.рф", "иван@", "и***@мэрия.рф"),
]
# Numbers that are not phones stay as they are.
KEPT = [
    "Дом 14, кв. 56, подъезд 2",
    "Платёжка на 12 345,67 руб. за январь",
    "С 12-05-24 нет горячей воды",
    "ИНН 663301234567 управляющей компании",
    "Отключение с 9:00 до 18:00, 3-й раз за месяц",
    "улица Ленина, 25-а",
]


@pytest.mark.parametrize(("text", "digits"), PHONES)
def test_russian_phones_are_masked(text: str, digits: str) -> None:
    masked = mask_contacts(text)
    assert digits not in masked
    # The last two digits stay, so operators can tell two numbers apart.
    assert re.search(r"\*[\s\-)]*\d\d(?!\d)", masked), masked


@pytest.mark.parametrize(("text", "hidden", "shown"), EMAILS)
def test_emails_are_masked(text: str, hidden: str, shown: str) -> None:
    masked = mask_contacts(text)
    assert hidden not in masked and shown in masked


@pytest.mark.parametrize("text", KEPT)
def test_other_numbers_are_kept(text: str) -> None:
    assert mask_contacts(text) == text


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Иванова Мария Петровна", "И. М. П."),
        ("Пётр Сидоров", "П. С."),
        ("  Житель  ", "Ж."),
    ],
)
def test_author_names_become_initials(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def _render(text: str, pii: PiiMask, **fields: object) -> Rendered:
    config = example_config()
    engine, router, state = Engine(config), Router(config, pii=pii), State()
    msg = message(
        "vk:-1_7000",
        text,
        conflict=True,
        reasons=("aggression",),
        author=("vk:77", "Иванова Мария"),
        **fields,  # type: ignore[arg-type]
    )
    (event,) = engine.on_message(state, msg, at("2026-03-10 10:00")).alerts
    return router.renderer.group([event.alert], [])


TEXT = "Разнесу вашу контору! Мой телефон +7 (912) 345-67-89, почта ivanova.m@mail.ru"


def test_alert_texts_mask_contacts_and_optionally_authors() -> None:
    plain = _render(TEXT, PiiMask(contacts=False))
    assert "345-67-89" in plain.text and "Иванова Мария" in plain.text
    masked = _render(TEXT, PiiMask(contacts=True))
    for shown in (masked.text, masked.html):
        assert "345-67" not in shown and "ivanova.m" not in shown
        assert "i***@mail.ru" in shown and "Иванова Мария" in shown
    anonymous = _render(TEXT, PiiMask(contacts=True, authors=True))
    assert "Иванова" not in anonymous.text and "И. М." in anonymous.text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "file:///etc/passwd",
    ],
)
def test_a_message_url_that_is_not_http_never_becomes_a_link(url: str) -> None:
    assert safe_url(url) is None
    rendered = _render("Приду и разнесу вашу контору!", PiiMask(), url=url)
    assert "Оригинал" not in rendered.text
    assert url.strip() not in rendered.html and "Оригинал" not in rendered.html
    # The search link (http) is still there.
    assert "Открыть в поиске" in rendered.html


@pytest.mark.parametrize("url", ["https://vk.com/wall-1_7000", "http://ok.ru/group/1/topic/2"])
def test_http_urls_are_links(url: str) -> None:
    rendered = _render("Приду и разнесу вашу контору!", PiiMask(), url=url)
    assert f'<a href="{html.escape(url)}">Оригинал</a>' in rendered.html


def _kibana_query(rendered: Rendered) -> str:
    """The KQL query Kibana would run for the search link: URL-decoded, rison string read."""
    found = re.search(r'<a href="([^"]+)">Открыть в поиске</a>', rendered.html)
    assert found is not None
    url = html.unescape(found.group(1))
    state = dict(part.split("=", 1) for part in url.split("#", 1)[1].split("?", 1)[1].split("&"))
    rison = unquote(state["_a"])
    start = rison.index("query:'", rison.index("language:kuery")) + len("query:'")
    out, i = [], start
    while rison[i] != "'":
        if rison[i] == "!":
            i += 1
        out.append(rison[i])
        i += 1
    assert rison[i + 1 :] == "))", f"the id broke out of the rison string: {rison[i:]!r}"
    return "".join(out)


def _kql_phrase(query: str) -> str:
    """The value of `id:"…"`, with KQL's backslash escapes undone; fails if anything follows."""
    assert query.startswith('id:"') and query.endswith('"')
    body, out, i = query[4:-1], [], 0
    while i < len(body):
        if body[i] == "\\":
            i += 1
        elif body[i] == '"':
            raise AssertionError(f"unescaped quote ends the phrase early: {query!r}")
        out.append(body[i])
        i += 1
    return "".join(out)


@pytest.mark.parametrize(
    "ident",
    [
        "vk:-1_7000",
        "x\"') or id:*",
        "mail:<a'b!c@example>",
        "tg:chat/1?x=1&_a=(query:'*')",
        'x\\" or id:*',
        "vk:-1_1 #frag %27",
    ],
)
def test_ids_are_escaped_in_the_kibana_link(ident: str) -> None:
    config = example_config()
    router = Router(config)
    engine, state = Engine(config), State()
    msg = message(ident, "Приду и разнесу вашу контору!", conflict=True, reasons=("aggression",))
    (event,) = engine.on_message(state, msg, at("2026-03-10 10:00")).alerts
    rendered = router.renderer.group([event.alert], [])
    assert _kql_phrase(_kibana_query(rendered)) == ident
    assert "%" not in kibana_id("abc_1-2.3~")
