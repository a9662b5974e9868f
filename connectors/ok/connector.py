"""`mcu connect ok`: group topics (mediatopic.getTopics) and their discussions
(discussions.getComments), paged by anchor; the newest topics are rescanned for edits,
deletions and comment growth. Ids: `ok:<gid>_<topic>[_<comment>]`."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import aiohttp

from connectors.base import Context, poll_forever
from connectors.message import Author, Reactions, Status, Wire, from_unix
from connectors.ok.client import PREFIX, OkApi, OkError
from connectors.settings import ConnectorSettings, OkSettings, secret

TRACK = 50
# A topic unknown to the cursor counts as new down to this much before the newest seen.
SKEW_MS = 10 * 60 * 1000
PAGE = 50


def topic_id(gid: str, topic: str) -> str:
    return f"ok:{gid}_{topic}"


def _text(topic: Mapping[str, Any]) -> str:
    return "\n".join(
        str(m.get("text", "")) for m in topic.get("media", []) if m.get("type") == "text"
    )


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


class OkConnector:
    name: ClassVar[str] = "ok"
    source: ClassVar[str] = "ok"

    def __init__(self, settings: ConnectorSettings) -> None:
        self.cfg: OkSettings = settings.connectors.ok

    def _author(self, ref: str, names: Mapping[str, str], gid: str) -> Author:
        official = ref == f"group:{gid}" or ref.split(":")[-1] in self.cfg.official_ids
        return Author(id=f"ok:{ref}", name=names.get(ref), is_official=official)

    def topic(
        self, gid: str, t: Mapping[str, Any], names: Mapping[str, str], status: Status | None = None
    ) -> Wire:
        mid = topic_id(gid, str(t["id"]))
        reshare = next((m for m in t.get("media", []) if m.get("type") == "reshare"), None)
        original = topic_id(str(reshare["group_id"]), str(reshare["topic_id"])) if reshare else None
        text = _text(t) or (str(reshare.get("text", "")) if reshare else "")
        return Wire(
            id=mid,
            source="ok",
            kind="post",
            thread_id=mid,
            url=f"https://ok.ru/group/{gid}/topic/{t['id']}",
            author=self._author(str(t.get("author_ref", "")), names, gid),
            text=text,
            created_at=from_unix(int(t["created_ms"]) / 1000),
            reactions=Reactions(
                likes=int((t.get("like_summary") or {}).get("count", 0)),
                reposts=int((t.get("reshare_summary") or {}).get("count", 0)),
                comments=int((t.get("discussion_summary") or {}).get("comments_count", 0)),
            ),
            status=status,
            original_id=original,
        )

    def comment(self, gid: str, topic: str, c: Mapping[str, Any]) -> Wire:
        thread = topic_id(gid, topic)
        author = self._author(
            f"user:{c.get('author_id')}",
            {f"user:{c.get('author_id')}": c.get("author_name", "")},
            gid,
        )
        if c.get("author_type") == "GROUP" and str(c.get("author_id")) == gid:
            author = Author(id=f"ok:group:{gid}", name=c.get("author_name"), is_official=True)
        reply_to = c.get("reply_to_comment_id")
        return Wire(
            id=f"{thread}_{c['id']}",
            source="ok",
            kind="reply" if author.is_official else "comment",
            thread_id=thread,
            parent_id=f"{thread}_{reply_to}" if reply_to else thread,
            url=f"https://ok.ru/group/{gid}/topic/{topic}",
            author=author,
            text=str(c.get("text") or ""),
            created_at=datetime.strptime(str(c["date"]), "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=from_unix(0).tzinfo
            ),
            reactions=Reactions(likes=int(c.get("like_count", 0))),
        )

    async def run(self, ctx: Context) -> None:
        cfg = self.cfg
        token = secret(cfg.access_token, cfg.access_token_file, f"{PREFIX}ACCESS_TOKEN")
        key = secret(cfg.secret_key, cfg.secret_key_file, f"{PREFIX}SECRET_KEY")
        async with aiohttp.ClientSession() as session:
            api = OkApi(
                session, cfg.api_url, cfg.application_key, token, key, cfg.requests_per_second
            )

            async def once() -> None:
                for gid in cfg.groups:
                    try:
                        await self.poll(ctx, api, gid)
                    except OkError as exc:
                        ctx.metrics.error(ctx.name, str(exc.code))

            await poll_forever(ctx, cfg.poll_seconds, once)

    async def poll(self, ctx: Context, api: OkApi, gid: str) -> None:
        scope = f"group:{gid}"
        state: dict[str, Any] = ctx.cursor(scope) or {"newest_ms": 0, "topics": {}}
        topics: dict[str, dict[str, Any]] = dict(state["topics"])
        page = await ctx.retrying(
            lambda: api.call("mediatopic.getTopics", gid=gid, count=PAGE, direction="FORWARD")
        )
        names = {
            e["ref"]: e.get("name", "")
            for kind in ("users", "groups")
            for e in (page.get("entities") or {}).get(kind, [])
        }
        items: list[Mapping[str, Any]] = page.get("media_topics", [])
        newest = int(state["newest_ms"])
        found: list[Wire] = []
        counts: dict[str, int] = {}
        for t in sorted(items, key=lambda t: int(t["created_ms"])):
            key, digest = str(t["id"]), _digest(_text(t))
            counts[key] = int((t.get("discussion_summary") or {}).get("comments_count", 0))
            known = topics.get(key)
            if known is None and int(t["created_ms"]) >= newest - SKEW_MS:
                found.append(self.topic(gid, t, names))
                topics[key] = {"h": digest, "anchor": None, "c": 0, "ms": int(t["created_ms"])}
            elif known is not None and known["h"] != digest:
                found.append(self.topic(gid, t, names, status="edited"))
                topics[key] = {**known, "h": digest}
        oldest = min((int(t["created_ms"]) for t in items), default=0) if len(items) >= PAGE else 0
        present = {str(t["id"]) for t in items}
        for key in [k for k, v in topics.items() if k not in present and v["ms"] >= oldest]:
            mid = topic_id(gid, key)
            found.append(
                Wire(
                    id=mid,
                    source="ok",
                    kind="post",
                    thread_id=mid,
                    text="",
                    created_at=from_unix(time.time()),
                    status="deleted",
                )
            )
            topics.pop(key)
        newest = max([newest, *(int(t["created_ms"]) for t in items)])
        topics = dict(sorted(topics.items(), key=lambda kv: -int(kv[1]["ms"]))[:TRACK])
        await ctx.emit(found, {scope: {"newest_ms": newest, "topics": topics}})
        for key in [k for k, v in topics.items() if counts.get(k, 0) > v["c"]]:
            comments, anchor = await self._comments(ctx, api, key, topics[key]["anchor"])
            topics[key] = {**topics[key], "anchor": anchor, "c": counts[key]}
            await ctx.emit(
                [self.comment(gid, key, c) for c in comments],
                {scope: {"newest_ms": newest, "topics": topics}},
            )

    async def _comments(
        self, ctx: Context, api: OkApi, topic: str, anchor: str | None
    ) -> tuple[list[Mapping[str, Any]], str | None]:
        out: list[Mapping[str, Any]] = []
        while True:
            page = await ctx.retrying(
                lambda a=anchor: api.call(  # type: ignore[misc]
                    "discussions.getComments",
                    discussionId=topic,
                    discussionType="GROUP_TOPIC",
                    anchor=a,
                    direction="FORWARD",
                    count=100,
                )
            )
            out += page.get("comments", [])
            anchor = page.get("anchor") or anchor
            if not page.get("has_more"):
                return out, anchor
