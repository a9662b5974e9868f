"""Builder of search documents (`_source` dicts) shaped like the mcu-messages-* index."""

from __future__ import annotations

from typing import Any

from reports.names import Names

Doc = dict[str, Any]

# Department ids as in alerts/examples/roster.yaml and their names the head reads.
DEPARTMENTS = {
    "zhkh": "ЖКХ и благоустройство",
    "architecture": "Отдел архитектуры и градостроительства",
    "education": "Управление образования",
    "safety": "Отдел ГО и ЧС",
}
NAMES = Names(departments=DEPARTMENTS)


def build_doc(
    id: str,
    text: str,
    *,
    created: str = "2026-03-16T10:00:00+05:00",
    kind: str = "comment",
    source: str = "vk",
    author: str = "id100",
    official: bool = False,
    thread: str = "vk:-1_1",
    parent: str | None = None,
    category: str = "housing",
    sentiment: str = "neutral",
    conflict: bool = False,
    reasons: tuple[str, ...] = (),
    complaint: bool = False,
    toxicity: float = 0.0,
    addresses: tuple[str, ...] = (),
    department: str | None = "zhkh",
    needs_response: bool = False,
    status: str | None = None,
    deadline: str | None = None,
    answered_at: str | None = None,
    response_hours: float | None = None,
    reply_id: str | None = None,
    reply_formal: bool | None = None,
    likes: int = 0,
    views: int = 0,
) -> Doc:
    """One document; keyword arguments name the fields a test cares about."""
    return {
        "id": id,
        "source": source,
        "kind": kind,
        "thread_id": thread,
        "parent_id": parent,
        "url": f"https://vk.com/wall-1_{id.split('_')[-1]}",
        "author": {"id": author, "name": "Житель", "is_official": official},
        "text": text,
        "created_at": created,
        "reactions": {"likes": likes, "reposts": 0, "comments": 0, "views": views},
        "nlp": {
            "category": category,
            "sentiment": sentiment,
            "toxicity": toxicity,
            "conflict": conflict,
            "conflict_reasons": list(reasons),
            "is_complaint": complaint,
            "addresses": list(addresses),
        },
        "department": department,
        "status": status or ("answered" if answered_at else "open" if needs_response else None),
        "needs_response": needs_response,
        "deadline": deadline,
        "answered_at": answered_at,
        "response_hours": response_hours,
        "reply_id": reply_id,
        "reply_formal": reply_formal,
        "overdue": None,
    }


# (text, category, department, sentiment, complaint, conflict, addresses)
SAMPLE_MESSAGES = [
    (
        "Во дворе дома на Ленина, 12 уже неделю не вывозят мусор, когда это прекратится?",
        "housing",
        "zhkh",
        "negative",
        True,
        False,
        ("ул. Ленина, 12",),
    ),
    (
        "На улице Карла Маркса опять не горят фонари, дети идут в школу в темноте.",
        "improvement",
        "zhkh",
        "negative",
        True,
        False,
        ("ул. Карла Маркса",),
    ),
    (
        "Яма на Свердлова возле рынка стала ещё больше, вчера пробил колесо!",
        "roads",
        "architecture",
        "negative",
        True,
        False,
        ("ул. Свердлова",),
    ),
    (
        "Подскажите, когда начнётся запись в первый класс в школу № 3?",
        "education",
        "education",
        "neutral",
        False,
        False,
        (),
    ),
    (
        "Спасибо администрации за новую детскую площадку на Гагарина!",
        "improvement",
        "zhkh",
        "positive",
        False,
        False,
        ("ул. Гагарина",),
    ),
    (
        "Вы там совсем обнаглели? Третий раз пишу про воду на Ленина, 12, всем плевать! "
        "Соберёмся всем домом и пойдём к главе.",
        "housing",
        "zhkh",
        "negative",
        True,
        True,
        ("ул. Ленина, 12",),
    ),
]


def sample_week() -> list[Doc]:
    """Monday 16 to Friday 20 March 2026: every sample message once a day, some answered."""
    docs: list[Doc] = []
    for day in range(16, 21):
        for n, (text, category, department, sentiment, complaint, conflict, addresses) in enumerate(
            SAMPLE_MESSAGES
        ):
            i = day * 10 + n
            answered = n % 3 != 2 and day < 20
            late = day == 17
            docs.append(
                build_doc(
                    f"vk:-1_{i}",
                    text,
                    created=f"2026-03-{day}T{9 + n:02d}:15:00+05:00",
                    author=f"id{i}",
                    thread=f"vk:-1_{i}",
                    category=category,
                    department=department,
                    sentiment=sentiment,
                    complaint=complaint,
                    conflict=conflict,
                    reasons=("aggression", "collective_action") if conflict else (),
                    toxicity=0.7 if conflict else 0.05,
                    addresses=addresses,
                    needs_response=complaint or sentiment != "positive",
                    deadline=f"2026-03-{day + 1}T18:00:00+05:00",
                    answered_at=(
                        f"2026-03-{day + (2 if late else 1)}T11:00:00+05:00" if answered else None
                    ),
                    response_hours=(12.0 if late else 4.0 + n) if answered else None,
                    reply_id=f"vk:-1_{i}r" if answered else None,
                    reply_formal=(n == 1) if answered else None,
                    likes=n * 3 + day,
                    views=500 * n,
                )
            )
    return docs
