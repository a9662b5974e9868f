"""Polling walls (wall.get, wall.getComments batched with execute) and newsfeed.search.

A wall's cursor is the highest post id plus, for the newest posts, the comment count and the
last comment id seen: new posts, edited posts (`edited`), deleted posts (gone from the page)
and new comments (the count grew) are found without `offset`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from connectors.base import Context
from connectors.message import Wire
from connectors.vk import normalise as vk
from connectors.vk.client import VkApi

PAGE = 100
EXECUTE_CALLS = 25


class WallPoller:
    def __init__(self, ctx: Context, api: VkApi, who: vk.Officials, track: int) -> None:
        self.ctx, self.api, self.who, self.track = ctx, api, who, track

    async def poll(self, owner: int) -> None:
        scope = f"wall:{owner}"
        state: dict[str, Any] = self.ctx.cursor(scope) or {"max_id": 0, "posts": {}}
        page = await self.ctx.retrying(
            lambda: self.api.call("wall.get", owner_id=owner, count=PAGE, extended=1)
        )
        who = replace(self.who, names={**self.who.names, **vk.names(page)})
        items: list[Mapping[str, Any]] = page.get("items", [])
        max_id = int(state["max_id"])
        posts: dict[str, dict[str, int]] = dict(state["posts"])
        messages: list[Wire] = []
        counts: dict[str, int] = {}
        for item in sorted(items, key=lambda i: int(i["id"])):
            key, edited = str(item["id"]), int(item.get("edited", 0) or 0)
            counts[key] = int((item.get("comments") or {}).get("count", 0))
            known = posts.get(key)
            if int(item["id"]) > max_id:
                messages.append(vk.post(item, who))
                posts[key] = {"c": 0, "last": 0, "e": edited}
            elif known is not None and edited > known["e"]:
                messages.append(vk.post(item, who, status="edited"))
                posts[key] = {**known, "e": edited}
        messages += self._deleted(owner, items, posts, max_id)
        max_id = max([max_id, *(int(i["id"]) for i in items)])
        posts = dict(sorted(posts.items(), key=lambda kv: -int(kv[0]))[: self.track])
        await self.ctx.emit(messages, {scope: {"max_id": max_id, "posts": posts}})
        grown = [k for k, v in posts.items() if counts.get(k, 0) > v["c"]]
        for start in range(0, len(grown), EXECUTE_CALLS):
            chunk = grown[start : start + EXECUTE_CALLS]
            found = await self._comments(owner, chunk, posts, counts, who)
            await self.ctx.emit(found, {scope: {"max_id": max_id, "posts": posts}})

    def _deleted(
        self,
        owner: int,
        items: list[Mapping[str, Any]],
        posts: dict[str, dict[str, int]],
        max_id: int,
    ) -> list[Wire]:
        """Tracked posts inside the page's id range that the page no longer has."""
        regular = [int(i["id"]) for i in items if not i.get("is_pinned")]
        if not regular:
            return []
        lowest = min(regular) if len(items) >= PAGE else 0
        present = {int(i["id"]) for i in items}
        gone = [k for k in posts if lowest <= int(k) <= max_id and int(k) not in present]
        out = []
        for key in gone:
            mid = vk.post_id(owner, int(key))
            out.append(vk.deleted(mid, mid, None, time.time()))
            posts.pop(key)
        return out

    async def _comments(
        self,
        owner: int,
        chunk: list[str],
        posts: dict[str, dict[str, int]],
        counts: dict[str, int],
        who: vk.Officials,
    ) -> list[Wire]:
        calls = []
        for key in chunk:
            params: dict[str, Any] = {
                "owner_id": owner,
                "post_id": int(key),
                "count": PAGE,
                "sort": "asc",
                "extended": 1,
                "thread_items_count": 10,
            }
            if posts[key]["last"]:
                params["start_comment_id"] = posts[key]["last"]
            calls.append(("wall.getComments", params))
        results = await self.ctx.retrying(lambda: self.api.execute(calls))
        out: list[Wire] = []
        for key, result in zip(chunk, results, strict=True):
            if not isinstance(result, Mapping):
                continue  # that call failed inside execute; the count still differs next poll
            named = replace(who, names={**who.names, **vk.names(result)})
            last = posts[key]["last"]
            fresh = [c for c in vk.flatten(result.get("items", [])) if int(c["id"]) > last]
            out += [vk.comment(c, owner, int(key), named) for c in fresh]
            newest = max([last, *(int(c["id"]) for c in fresh)])
            done = len(result.get("items", [])) < PAGE
            posts[key] = {**posts[key], "last": newest, "c": counts[key] if done else 0}
        return out


class Search:
    """newsfeed.search in overlapping windows; ids seen in the overlap are not sent again."""

    def __init__(self, ctx: Context, api: VkApi, who: vk.Officials, overlap: float) -> None:
        self.ctx, self.api, self.who, self.overlap = ctx, api, who, overlap

    async def poll(self, query: str) -> None:
        scope = f"search:{query}"
        now = int(time.time())
        state: dict[str, Any] = self.ctx.cursor(scope) or {"end": now - 86400, "seen": []}
        start = int(state["end"] - self.overlap)
        found: dict[str, Wire] = {}
        next_from: str | None = None
        while True:
            page = await self.ctx.retrying(
                lambda nf=next_from: self.api.call(  # type: ignore[misc]
                    "newsfeed.search",
                    q=query,
                    count=200,
                    start_time=start,
                    end_time=now,
                    start_from=nf,
                    extended=1,
                )
            )
            who = replace(self.who, names={**self.who.names, **vk.names(page)})
            for item in page.get("items", []):
                message = vk.post(item, who)
                found[message.id] = message
            next_from = page.get("next_from") or None
            if not next_from:
                break
        seen = set(state.get("seen", []))
        fresh = [m for m in found.values() if m.id not in seen]
        window = [m.id for m in found.values() if m.created_at.timestamp() >= now - self.overlap]
        await self.ctx.emit(fresh, {scope: {"end": now, "seen": sorted(window)}})
