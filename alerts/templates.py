"""Russian texts of notifications: e-mail (plain text) and Telegram (HTML) from the same lines."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from alerts.actions import callback_data
from alerts.durations import format_duration_ru, format_span_ru, parse_span, plural_ru
from alerts.links import kibana_id, safe_url
from alerts.model import Alert
from alerts.notification import Button
from alerts.pii import NO_MASK, PiiMask

CATEGORY_RU = {
    "improvement": "Благоустройство",
    "housing": "ЖКХ",
    "health": "Здравоохранение",
    "culture": "Культура",
    "forestry": "Лесное хозяйство",
    "education": "Образование",
    "economy": "Экономика",
    "roads": "Дороги",
    "communications": "Связь",
    "agriculture": "Сельское хозяйство",
    "social": "Социальная защита",
    "construction": "Строительство",
    "transport": "Транспорт",
    "sport": "Спорт",
    "ecology": "Экология",
    "safety": "Безопасность",
    "government": "Органы власти",
    "other": "Прочее",
}
SOURCE_RU = {
    "vk": "ВКонтакте",
    "telegram": "Telegram",
    "ok": "Одноклассники",
    "pos": "ПОС Госуслуг",
    "email": "электронная почта",
    "site": "сайт",
}
KIND_RU = {"post": "пост", "comment": "комментарий", "appeal": "обращение", "reply": "ответ"}
SEVERITY_RU = {
    "info": ("🔵", "к сведению"),
    "warning": ("🟠", "внимание"),
    "critical": ("🔴", "критично"),
}
RULE_TITLE_RU = {
    "conflict": "Конфликтная ситуация",
    "spike": "Всплеск сообщений об одной проблеме",
    "overdue": "Срок ответа",
    "repeat_complaint": "Повторная жалоба",
    "viral_negative": "Негативный пост набирает охват",
    "bad_reply": "Некачественный официальный ответ",
}
STAGE_RU = {
    "warning": "Срок ответа истекает",
    "overdue": "Срок ответа истёк",
    "escalated": "Ответа нет давно после срока",
}
REASON_RU = {
    "aggression": "агрессия",
    "outrage": "возмущение",
    "accusation": "обвинения",
    "repeated": "пишет повторно",
    "collective_action": "призыв к коллективным действиям",
    "rude_reply": "грубость",
    "formal_reply": "отписка",
    "toxic": "оскорбления",
}
RESOLUTION_RU = {
    "item_interim": "дан промежуточный ответ",
    "item_answered": "дан официальный ответ",
    "item_closed": "обращение закрыто",
    "operator": "отмечено как решённое",
    "spike_over": "поток сообщений спал",
    "good_reply": "дан содержательный ответ",
}
BUTTON_ACK = "Взять в работу"
BUTTON_RESOLVE = "Решено"
# Short answers to a button press (answerCallbackQuery shows them as a toast).
PRESS_ANSWER = {"ack": "Взято в работу", "resolve": "Отмечено как решённое"}
PRESS_UNKNOWN = "Кнопка устарела или неизвестна"
PRESS_FORBIDDEN = "Нет доступа: вас нет в списке получателей оповещений МЦУ"
PRESS_NOT_RECIPIENT = "Нет доступа: это оповещение отправлено не вам, нажатие не засчитано"
MAX_ALERTS = 10
TELEGRAM_LIMIT = 4000

Line = tuple[str, str]


def _t(text: str) -> Line:
    return text, html.escape(text, quote=False)


def _b(text: str) -> Line:
    return text, f"<b>{html.escape(text, quote=False)}</b>"


def _link(title: str, url: str | None) -> Line | None:
    """Only an http(s) URL becomes a link; anything else (javascript:, data:) is left out."""
    url = safe_url(url)
    if url is None:
        return None
    return f"{title}: {url}", f'<a href="{html.escape(url)}">{html.escape(title, quote=False)}</a>'


def _cat(*parts: Line) -> Line:
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


def trim(text: str, limit: int) -> str:
    """Cuts at a word boundary and marks the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",.;:—- ") + "…"


@dataclass(frozen=True)
class Rendered:
    title: str
    text: str
    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True)
class Renderer:
    tz: ZoneInfo
    # Link to the message in Kibana / OpenSearch Dashboards: {id} is escaped for the KQL phrase
    # inside the rison query (`query:'id:"{id}"'`), {id_url} is only URL-encoded.
    message_url: str | None = None
    display_name: Callable[[str], str] = field(default=lambda ident: ident)
    text_limit: int = 400
    # Phones, e-mails (and author names) of citizens as the receivers see them.
    pii: PiiMask = NO_MASK

    def when(self, moment: datetime | str) -> str:
        value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
        return value.astimezone(self.tz).strftime("%d.%m.%Y %H:%M")

    def title(self, alert: Alert) -> str:
        if alert.kind == "overdue":
            return STAGE_RU.get(alert.labels.get("stage", ""), RULE_TITLE_RU["overdue"])
        return RULE_TITLE_RU.get(alert.kind, alert.rule)

    def _subject(self, prefix: str, alerts: Sequence[Alert]) -> str:
        first = alerts[0]
        category = CATEGORY_RU.get(first.labels.get("category", ""), "")
        if len(alerts) == 1:
            tail = f" — {category}" if category else ""
            return f"[МЦУ] {prefix}{self.title(first)}{tail}"
        n = len(alerts)
        word = plural_ru(n, "оповещение", "оповещения", "оповещений")
        return f"[МЦУ] {prefix}{n} {word}: {self.title(first)} и др."

    def group(self, firing: Sequence[Alert], resolved: Sequence[Alert]) -> Rendered:
        """One message for an aggregation group: firing alerts first, then resolved ones."""
        lines: list[Line] = []
        shown = list(firing)[:MAX_ALERTS]
        numbered = len(firing) > 1
        if numbered:
            n = len(firing)
            lines += [_b(f"Оповещений: {n}"), _t("")]
        for index, alert in enumerate(shown, 1):
            lines += self.alert_lines(alert, index if numbered else None)
            lines.append(_t(""))
        if len(firing) > len(shown):
            lines.append(_t(f"…и ещё {len(firing) - len(shown)}: см. список в API оповещений."))
        for alert in list(resolved)[:MAX_ALERTS]:
            lines += self.resolved_lines(alert)
            lines.append(_t(""))
        if firing:
            title = self._subject("", list(firing))
        else:
            title = self._subject("Решено: ", list(resolved))
        return self._finish(title, lines, self.buttons(shown, numbered))

    def escalation(self, alert: Alert, level: int, waited: timedelta) -> Rendered:
        lines: list[Line] = [
            _b(
                f"⏫ Эскалация (уровень {level}): никто не взял в работу "
                f"за {format_duration_ru(waited)}"
            ),
            _t(""),
            *self.alert_lines(alert, None),
        ]
        return self._finish(
            self._subject("Эскалация: ", [alert]), lines, self.buttons([alert], False)
        )

    def _finish(
        self, title: str, lines: list[Line], buttons: tuple[tuple[Button, ...], ...]
    ) -> Rendered:
        while lines and not lines[-1][0]:
            lines.pop()
        text = "\n".join(p for p, _ in lines)
        markup = "\n".join(h for _, h in lines)
        if len(markup) > TELEGRAM_LIMIT:
            markup = html.escape(trim(text, TELEGRAM_LIMIT - 100), quote=False)
        return Rendered(title, text, markup, buttons)

    def buttons(self, alerts: Sequence[Alert], numbered: bool) -> tuple[tuple[Button, ...], ...]:
        rows: list[tuple[Button, ...]] = []
        for index, alert in enumerate(alerts, 1):
            prefix = f"№{index} · " if numbered else ""
            row = []
            if alert.acked_at is None:
                row.append(Button(prefix + BUTTON_ACK, callback_data("ack", alert.id)))
            row.append(Button(prefix + BUTTON_RESOLVE, callback_data("resolve", alert.id)))
            rows.append(tuple(row))
        return tuple(rows)

    def alert_lines(self, alert: Alert, number: int | None) -> list[Line]:
        a, labels = alert.annotations, alert.labels
        icon, word = SEVERITY_RU.get(alert.severity, ("", alert.severity))
        head = f"№{number}. " if number is not None else ""
        lines: list[Line] = [_cat(_t(f"{icon} {head}"), _b(self.title(alert)), _t(f" · {word}"))]
        where = []
        if labels.get("category"):
            where.append(f"Категория: {CATEGORY_RU.get(labels['category'], labels['category'])}")
        if labels.get("department"):
            where.append(f"Ответственные: {self.display_name(labels['department'])}")
        if labels.get("address"):
            where.append(f"Адрес: {labels['address']}")
        if where:
            lines.append(_t(" · ".join(where)))
        lines += self._kind_lines(alert)
        origin = [SOURCE_RU.get(a.get("source", ""), a.get("source", ""))]
        if a.get("kind"):
            origin.append(KIND_RU.get(a["kind"], a["kind"]))
        meta = [", ".join(o for o in origin if o)]
        if a.get("created_at"):
            meta.append(self.when(a["created_at"]))
        if a.get("author"):
            meta.append(self.pii.name(a["author"]))
        if any(meta):
            lines.append(_t(" · ".join(m for m in meta if m)))
        if a.get("text"):
            lines.append(_t(f"«{trim(self.pii.text(a['text']), self.text_limit)}»"))
        if a.get("deadline"):
            span = a.get("span")
            spelled = f" ({format_span_ru(parse_span(span))})" if span else ""
            lines.append(_t(f"Срок ответа: до {self.when(a['deadline'])}{spelled}"))
        if alert.acked_at is not None:
            who = self.display_name(alert.acked_by or "")
            lines.append(_t(f"В работе: {who} с {self.when(alert.acked_at)}"))
        links = self._links(alert)
        if links:
            lines.append(_cat(*_interleave(links, _t(" · "))))
        return lines

    def _kind_lines(self, alert: Alert) -> list[Line]:
        a = alert.annotations
        if alert.kind == "conflict":
            reasons = [REASON_RU.get(r, r) for r in a.get("reasons", "").split(",") if r]
            tox = a.get("toxicity")
            tail = f" · токсичность {tox}" if tox and tox != "0.00" else ""
            return [_t(f"Признаки: {', '.join(reasons) or 'конфликт'}{tail}")]
        if alert.kind == "spike":
            count = int(a.get("count", "0"))
            window = format_duration_ru(timedelta(seconds=int(a.get("window", "0"))))
            span = ""
            if a.get("first_at") and a.get("last_at"):
                span = f" (с {self.when(a['first_at'])} по {self.when(a['last_at'])})"
            word = plural_ru(count, "сообщение", "сообщения", "сообщений")
            return [_t(f"{count} {word} за {window}{span}; последнее:")]
        if alert.kind == "repeat_complaint":
            n = int(a.get("previous_count", "0"))
            first = f", первая {self.when(a['first_at'])}" if a.get("first_at") else ""
            word = plural_ru(n, "жалоба", "жалобы", "жалоб")
            return [_t(f"Раньше от этого автора: {n} {word} о том же{first}")]
        if alert.kind == "viral_negative":
            return [
                _t(
                    f"Охват: {a.get('score', '?')} — лайки {a.get('likes', 0)}, "
                    f"репосты {a.get('reposts', 0)}, комментарии {a.get('comments', 0)}, "
                    f"просмотры {a.get('views', 0)}"
                )
            ]
        if alert.kind == "bad_reply":
            reasons = [REASON_RU.get(r, r) for r in a.get("reasons", "").split(",") if r]
            who = a.get("reply_author", "")
            lines = [_t(f"Нарушение: {', '.join(reasons)}")]
            if a.get("reply_text"):
                lines.append(
                    _t(
                        f"Ответ{f' ({who})' if who else ''}: "
                        f"«{trim(self.pii.text(a['reply_text']), self.text_limit)}»"
                    )
                )
            if a.get("text"):
                lines.append(_t("Обращение:"))
            return lines
        return []

    def _links(self, alert: Alert) -> list[Line]:
        a = alert.annotations
        links: list[Line | None] = []
        if self.message_url and a.get("message_id"):
            ident = a["message_id"]
            url = self.message_url.format(id=kibana_id(ident), id_url=quote(ident, safe=""))
            links.append(_link("Открыть в поиске", url))
        if a.get("url"):
            links.append(_link("Оригинал", a["url"]))
        if a.get("reply_url") and a.get("reply_url") != a.get("url"):
            links.append(_link("Ответ", a["reply_url"]))
        return [link for link in links if link is not None]

    def resolved_lines(self, alert: Alert) -> list[Line]:
        reason = RESOLUTION_RU.get(alert.resolution or "", alert.resolution or "")
        by = f" ({self.display_name(alert.resolved_by)})" if alert.resolved_by else ""
        lines: list[Line] = [_cat(_t("✅ "), _b(f"Решено: {self.title(alert)}"))]
        if reason:
            lines.append(_t(f"Причина: {reason}{by}"))
        category = alert.labels.get("category")
        if category:
            lines.append(_t(f"Категория: {CATEGORY_RU.get(category, category)}"))
        if alert.annotations.get("text"):
            lines.append(_t(f"«{trim(self.pii.text(alert.annotations['text']), 120)}»"))
        return lines


def _interleave(items: list[Line], sep: Line) -> list[Line]:
    result: list[Line] = []
    for index, item in enumerate(items):
        if index:
            result.append(sep)
        result.append(item)
    return result
