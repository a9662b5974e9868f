"""Real RFC 5322 letters for the IMAP tests: a ПОС notification, Windows-1251, HTML-only,
attachments, and an official reply; built as a mail client would, as bytes."""

from __future__ import annotations

import base64
import quopri
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

ADMIN = "priemnaya@kamyshlov-adm.ru"
POS_SENDER = "noreply@pos.gosuslugi.ru"


def _date(now: datetime, minutes: int) -> str:
    return format_datetime(now - timedelta(minutes=minutes))


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _message(now: datetime, sender: str, subject: str, minutes: int, domain: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ADMIN
    msg["Subject"] = subject
    msg["Date"] = _date(now, minutes)
    msg["Message-ID"] = make_msgid(domain=domain)
    return msg


def pos_notification(now: datetime, number: str) -> bytes:
    deadline = (now + timedelta(days=10)).strftime("%d.%m.%Y")
    body = (
        f"Здравствуйте!\n\nНа платформу обратной связи поступило новое сообщение № {number}.\n\n"
        f"Номер сообщения: {number}\n"
        "Категория: Дороги\n"
        "Подкатегория: Ямы и выбоины на дорогах\n"
        "Место проблемы: Свердловская обл., г. Камышлов, ул. Свердлова, 45\n"
        "Заявитель: Шмелёва Ольга Викторовна\n"
        "Адрес заявителя: г. Камышлов, ул. Советская, 30-12\n"
        "Текст сообщения: На дороге у дома 45 по улице Свердлова яма глубиной 20 см,\n"
        "вчера в ней пробили колесо две машины. Прошу отремонтировать.\n"
        f"Срок ответа: {deadline} 18:00\n"
        f"Ссылка на сообщение: https://pos.gosuslugi.ru/lkp/appeals/{number}/\n"
    )
    qp = quopri.encodestring(body.encode("utf-8")).decode("ascii")
    return (
        f"From: =?utf-8?B?{_b64('Госуслуги.Решаем вместе')}?= "
        f"<{POS_SENDER}>\r\n"
        f"To: {ADMIN}\r\n"
        f"Subject: =?utf-8?B?{_b64(f'Новое сообщение № {number}')}?=\r\n"
        f"Date: {_date(now, 50)}\r\n"
        f"Message-ID: <pos-{number}-{uuid.uuid4().hex[:6]}@pos.gosuslugi.ru>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp.replace("\n", "\r\n")
    ).encode("ascii")


def windows_1251(now: datetime, message_id: str) -> bytes:
    subject = base64.b64encode("Нет отопления".encode("cp1251")).decode()
    name = base64.b64encode("Пётр Сидоров".encode("cp1251")).decode()
    body = (
        "Добрый день! В доме 7 по улице Энгельса третий день нет отопления, "
        "в квартирах +14. Управляющая компания трубку не берёт.\r\n"
    ).encode("cp1251")
    head = (
        f"From: =?windows-1251?B?{name}?= <p.sidorov@mail.example>\r\n"
        f"To: {ADMIN}\r\nSubject: =?windows-1251?B?{subject}?=\r\n"
        f"Date: {_date(now, 40)}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="windows-1251"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode("ascii")
    return head + body


def html_only(now: datetime) -> bytes:
    msg = _message(
        now, "Анна Котова <kotova@mail.example>", "Фонари на Гагарина", 30, "mail.example"
    )
    msg.set_content(
        "<html><body><p>Здравствуйте!</p><p>На улице <b>Гагарина</b> не горят фонари "
        "от дома 3 до дома 15.</p><style>p{color:red}</style></body></html>",
        subtype="html",
    )
    return msg.as_bytes()


def with_attachments(now: datetime) -> bytes:
    msg = _message(
        now, "Игорь Лаптев <laptev@mail.example>", "Свалка у гаражей", 20, "mail.example"
    )
    msg.set_content("За гаражами на Механизаторов стихийная свалка, фото прилагаю.")
    msg.add_attachment(
        b"\xff\xd8\xff\xe0fake-jpeg", maintype="image", subtype="jpeg", filename="свалка.jpg"
    )
    msg.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="акт.pdf")
    return msg.as_bytes()


def official_reply(now: datetime, to_id: str) -> bytes:
    msg = _message(now, f"Администрация <{ADMIN}>", "Re: Нет отопления", 10, "kamyshlov-adm.ru")
    msg.replace_header("To", "p.sidorov@mail.example")
    msg["In-Reply-To"] = to_id
    msg["References"] = to_id
    msg.set_content(
        "Пётр, управляющая компания устранила завоздушивание стояка, отопление подано. "
        "Начальник отдела ЖКХ Бессонов Е.А."
    )
    return msg.as_bytes()


def plain(now: datetime, text: str, minutes: int = 5) -> bytes:
    msg = _message(now, "Житель <resident@mail.example>", "Обращение", minutes, "mail.example")
    msg.set_content(text)
    return msg.as_bytes()
