"""Realistic traffic from the bundled sample and the labelled sets: fresh ids, authors, times.

Days of a busy town: posts of the municipality's own page and of other publics with threads
of comments, reposts of popular posts, official replies in some threads, ПОС appeals and
letters. Texts are real sentences written for the project (devstack/sample, data/eval).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

OWN_PAGE = "vk:-100"
OTHER_PAGES = ("vk:-201", "vk:-202", "vk:-203", "ok:310", "tg:city_chat")


@dataclass
class Texts:
    posts: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    appeals: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str, official: bool) -> None:
        if not text.strip():
            return
        if kind == "reply" or official:
            self.replies.append(text)
        elif kind == "appeal":
            self.appeals.append(text)
        elif kind == "post":
            self.posts.append(text)
        else:
            self.comments.append(text)


def load_texts(extra: Iterable[Path] = ()) -> Texts:
    """The bundled sample plus labelled sets (JSONL with kind and text), when given."""
    texts = Texts()
    sample = resources.files("devstack") / "sample" / "messages.jsonl"
    lines = sample.read_text(encoding="utf-8").splitlines()
    for path in extra:
        lines += path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        author = record.get("author") or {}
        texts.add(
            str(record.get("kind", "comment")),
            str(record.get("text", "")),
            bool(author.get("is_official")),
        )
    for bucket in (texts.posts, texts.comments, texts.replies, texts.appeals):
        if not bucket:
            bucket.extend(texts.comments or texts.posts)
    return texts


def eval_sets(root: Path = Path("data/eval")) -> list[Path]:
    return sorted(root.glob("*.jsonl")) if root.is_dir() else []


class _Gen:
    def __init__(self, texts: Texts, seed: int, run: str) -> None:
        self.texts = texts
        self.rng = random.Random(seed)
        self.run = run
        self.n = 0
        self.citizens = [f"{self.run}u{i}" for i in range(4000)]

    def ident(self) -> int:
        self.n += 1
        return self.n

    def author(self) -> dict[str, Any]:
        who = self.rng.choice(self.citizens)
        return {"id": who, "name": f"Житель {who[-4:]}", "is_official": False}

    def reactions(self, big: bool) -> dict[str, int]:
        scale = 20 if big else 1
        r = self.rng
        return {
            "likes": r.randint(0, 30) * scale,
            "reposts": r.randint(0, 3) * scale,
            "comments": r.randint(0, 10) * scale,
            "views": r.randint(100, 3000) * scale,
        }

    def message(self, **fields: Any) -> dict[str, Any]:
        body = {"reactions": self.reactions(False), "author": self.author(), **fields}
        body["created_at"] = body["created_at"].isoformat(timespec="seconds")
        return body


def generate(
    count: int,
    *,
    days: float = 4.0,
    now: datetime | None = None,
    seed: int = 11,
    run: str = "b",
    texts: Texts | None = None,
) -> list[dict[str, Any]]:
    """About `count` raw messages over the last `days`, in time order."""
    g = _Gen(texts or load_texts(eval_sets()), seed, run)
    end = now or datetime.now(UTC)
    start = end - timedelta(days=days)
    span = (end - start).total_seconds()
    out: list[dict[str, Any]] = []
    rng = g.rng
    while len(out) < count:
        at = start + timedelta(seconds=rng.uniform(0, span * 0.97))
        roll = rng.random()
        if roll < 0.06:
            ident = g.ident()
            out.append(
                g.message(
                    id=f"pos:{run}-{ident}",
                    source="pos",
                    kind="appeal",
                    url=f"https://pos.gosuslugi.ru/lkp/appeals/{run}-{ident}/",
                    text=rng.choice(g.texts.appeals),
                    created_at=at,
                )
            )
            continue
        if roll < 0.09:
            ident = g.ident()
            out.append(
                g.message(
                    id=f"mail:<{run}.{ident}@mail.example>",
                    source="email",
                    kind="appeal",
                    text=rng.choice(g.texts.appeals),
                    created_at=at,
                )
            )
            continue
        out += _thread(g, at, end)
    out.sort(key=lambda m: m["created_at"])
    return out[:count]


def _thread(g: _Gen, at: datetime, end: datetime) -> list[dict[str, Any]]:
    """A post with its comments, sometimes an official reply, sometimes reposts."""
    rng = g.rng
    own = rng.random() < 0.5
    page = OWN_PAGE if own else rng.choice(OTHER_PAGES)
    source = {"vk": "vk", "ok": "ok", "tg": "telegram"}[page.split(":")[0]]
    post_id = f"{page}_{g.run}{g.ident()}"
    official_post = own and rng.random() < 0.6
    post = g.message(
        id=post_id,
        source=source,
        kind="post",
        thread_id=post_id,
        url=f"https://example.org/{post_id}",
        text=rng.choice(g.texts.replies if official_post else g.texts.posts),
        created_at=at,
        reactions=g.reactions(big=rng.random() < 0.1),
    )
    if official_post:
        post["author"] = {"id": f"{page}:admin", "name": "Администрация", "is_official": True}
    thread = [post]
    comments = int(rng.paretovariate(1.3) * 6)
    moment = at
    for _ in range(min(comments, 400)):
        moment = min(moment + timedelta(minutes=rng.expovariate(1 / 20)), end)
        thread.append(
            g.message(
                id=f"{post_id}_c{g.ident()}",
                source=source,
                kind="comment",
                thread_id=post_id,
                parent_id=post_id,
                text=rng.choice(g.texts.comments),
                created_at=moment,
                reactions={"likes": rng.randint(0, 5), "reposts": 0, "comments": 0, "views": 0},
            )
        )
    if rng.random() < 0.5 and len(thread) > 1:
        moment = min(moment + timedelta(hours=rng.uniform(0.5, 6)), end)
        parent = rng.choice(thread[1:])["id"]
        thread.append(
            g.message(
                id=f"{post_id}_r{g.ident()}",
                source=source,
                kind="reply",
                thread_id=post_id,
                parent_id=parent,
                text=rng.choice(g.texts.replies),
                created_at=moment,
                author={"id": f"{page}:admin", "name": "Администрация", "is_official": True},
            )
        )
    for _ in range(rng.randint(0, 2) if post["reactions"]["reposts"] > 20 else 0):
        repost = f"{rng.choice(OTHER_PAGES)}_{g.run}{g.ident()}"
        thread.append(
            g.message(
                id=repost,
                source=source,
                kind="post",
                thread_id=repost,
                original_id=post_id,
                text=post["text"],
                created_at=min(at + timedelta(hours=rng.uniform(0.2, 8)), end),
            )
        )
    return thread
