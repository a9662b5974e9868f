"""A local VK API: /method/<name> with {"response": …} or {"error": {"error_code": …}},
Bots Long Poll (a_check with `failed` 1/2/3) and Callback API delivery to a configured URL
(confirmation, secret, retries with X-Retry-Counter).

Methods: wall.get, wall.getComments, newsfeed.search, execute, groups.getLongPollServer.
Test endpoints (/_test/…): post, comment, edit_post, delete_post, edit_comment, delete_comment,
longpoll_fail, callback (register a server), callbacks (what was delivered), and Control's.

    python -m devstack.fakes.vk --port 8095 --token TOKEN
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from devstack.fakes.control import Control
from devstack.fakes.runner import serve_cli

CALL = re.compile(r"API\.([a-zA-Z]+\.[a-zA-Z]+)\((\{[^{}]*\})\)")
ERRORS = {
    5: "User authorization failed: invalid access_token",
    6: "Too many requests per second",
    9: "Flood control",
    29: "Rate limit reached",
    100: "One of the parameters specified was missing or invalid",
}


class VkFail(Exception):
    def __init__(self, code: int, retry_after: float | None = None) -> None:
        super().__init__(ERRORS.get(code, "error"))
        self.code, self.retry_after = code, retry_after


@dataclass
class Wall:
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    next_comment: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


@dataclass
class VkState:
    token: str | None
    control: Control = field(default_factory=Control)
    walls: dict[int, Wall] = field(default_factory=dict)
    profiles: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    lp_key: str = "k1"
    lp_fail: list[int] = field(default_factory=list)
    callback: dict[str, Any] | None = None
    delivered: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Event | None = None
    next_post: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def wall(self, owner: int) -> Wall:
        return self.walls.setdefault(owner, Wall())

    def event(self, kind: str, obj: dict[str, Any]) -> None:
        owner = int(obj.get("owner_id", obj.get("post_owner_id", 0)))
        if owner >= 0:
            return  # only community walls raise community events
        self.events.append(
            {
                "type": kind,
                "object": obj,
                "group_id": -owner,
                "event_id": uuid.uuid4().hex[:20],
                "v": "5.199",
                "ts": len(self.events) + 1,
            }
        )
        if self.changed is not None:
            self.changed.set()


def _int(params: dict[str, Any], name: str, default: int = 0) -> int:
    value = params.get(name)
    return default if value in (None, "") else int(value)


def _extended(state: VkState, items: list[dict[str, Any]]) -> dict[str, Any]:
    ids = {int(i.get("from_id", 0)) for i in items}
    return {
        "profiles": [state.profiles[i] for i in ids if i in state.profiles],
        "groups": [state.groups[-i] for i in ids if -i in state.groups],
    }


def wall_get(state: VkState, p: dict[str, Any]) -> dict[str, Any]:
    wall = state.wall(_int(p, "owner_id"))
    posts = sorted(wall.posts.values(), key=lambda x: -int(x["id"]))
    offset, count = _int(p, "offset"), min(_int(p, "count", 20), 100)
    items = [dict(x, comments={"count": len(wall.comments.get(x["id"], []))}) for x in posts]
    page = items[offset : offset + count]
    out: dict[str, Any] = {"count": len(items), "items": page}
    if _int(p, "extended"):
        out.update(_extended(state, page))
    return out


def wall_get_comments(state: VkState, p: dict[str, Any]) -> dict[str, Any]:
    wall = state.wall(_int(p, "owner_id"))
    post = _int(p, "post_id")
    if post not in wall.posts:
        raise VkFail(100)
    comments = sorted(wall.comments.get(post, []), key=lambda c: int(c["id"]))
    start = _int(p, "start_comment_id")
    if start:
        comments = [c for c in comments if int(c["id"]) >= start]
    count = min(_int(p, "count", 10), 100)
    page = comments[:count]
    out: dict[str, Any] = {"count": len(comments), "items": page, "current_level_count": len(page)}
    if _int(p, "extended"):
        out.update(_extended(state, page))
    return out


def newsfeed_search(state: VkState, p: dict[str, Any]) -> dict[str, Any]:
    q = str(p.get("q", "")).lower()
    start, end = _int(p, "start_time"), _int(p, "end_time", 2**31)
    found = [
        post
        for wall in state.walls.values()
        for post in wall.posts.values()
        if q in str(post.get("text", "")).lower() and start <= int(post["date"]) <= end
    ]
    found.sort(key=lambda x: (-int(x["date"]), int(x["owner_id"]), -int(x["id"])))
    offset, count = _int(p, "start_from"), min(_int(p, "count", 30), 200)
    page = found[offset : offset + count]
    out: dict[str, Any] = {"items": page, "count": len(page), "total_count": len(found)}
    if offset + count < len(found):
        out["next_from"] = str(offset + count)
    return out


def create_app(token: str | None = None) -> web.Application:
    state = VkState(token)
    methods: dict[str, Any] = {
        "wall.get": lambda p: wall_get(state, p),
        "wall.getComments": lambda p: wall_get_comments(state, p),
        "newsfeed.search": lambda p: newsfeed_search(state, p),
    }

    def long_poll_server(p: dict[str, Any], host: str) -> dict[str, Any]:
        group = _int(p, "group_id")
        server = f"http://{host}/lp/{group}"
        return {"key": state.lp_key, "server": server, "ts": str(len(state.events))}

    def execute(p: dict[str, Any]) -> Any:
        results: list[Any] = []
        errors = []
        for name, args in CALL.findall(str(p.get("code", ""))):
            try:
                results.append(methods[name](json.loads(args)))
            except (VkFail, KeyError) as exc:
                results.append(False)
                errors.append({"method": name, "error_code": getattr(exc, "code", 3)})
        return results, errors

    async def method(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            params.update(dict(await request.post()))
        await state.control.hold(name)
        try:
            if state.token is not None and params.get("access_token") != state.token:
                raise VkFail(5)
            injected = state.control.failure(name)
            if injected:
                raise VkFail(int(injected["code"]), injected.get("retry_after"))
            if state.control.over_rate():
                raise VkFail(6)
            if name == "execute":
                result, errors = execute(params)
                body: dict[str, Any] = {"response": result}
                if errors:
                    body["execute_errors"] = errors
                return web.json_response(body)
            if name == "groups.getLongPollServer":
                return web.json_response({"response": long_poll_server(params, request.host)})
            if name not in methods:
                raise VkFail(3)
            return web.json_response({"response": methods[name](params)})
        except VkFail as exc:
            error = {
                "error_code": exc.code,
                "error_msg": str(exc),
                "request_params": [{"key": "method", "value": name}],
            }
            headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
            return web.json_response({"error": error}, headers=headers)

    async def long_poll(request: web.Request) -> web.Response:
        q = request.query
        if q.get("key") != state.lp_key:
            return web.json_response({"failed": 2})
        if state.lp_fail:
            failed = state.lp_fail.pop(0)
            if failed == 2:
                state.lp_key = f"k{int(state.lp_key[1:]) + 1}"
            return web.json_response({"failed": failed, "ts": str(len(state.events))})
        ts = int(q.get("ts", "0"))
        if ts > len(state.events):
            return web.json_response({"failed": 1, "ts": str(len(state.events))})
        deadline = time.monotonic() + min(float(q.get("wait", "25")), 90.0)
        while len(state.events) <= ts and time.monotonic() < deadline and state.changed:
            state.changed.clear()
            try:
                await asyncio.wait_for(state.changed.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        group = int(request.match_info["group"])
        updates = [
            {k: v for k, v in e.items() if k != "ts"}
            for e in state.events[ts:]
            if e["group_id"] == group
        ]
        return web.json_response({"ts": str(len(state.events)), "updates": updates})

    async def deliver(event: dict[str, Any]) -> None:
        """Callback API delivery: POST until the server answers «ok», X-Retry-Counter on retries."""
        cb = state.callback
        if cb is None:
            return
        body = {k: v for k, v in event.items() if k != "ts"}
        body["secret"] = cb["secret"]
        async with aiohttp.ClientSession() as session:
            for attempt in range(cb.get("attempts", 20)):
                headers = {"X-Retry-Counter": str(attempt)} if attempt else {}
                try:
                    async with session.post(cb["url"], json=body, headers=headers) as resp:
                        text = await resp.text()
                except aiohttp.ClientError:
                    text = ""
                state.delivered.append(
                    {"event_id": body["event_id"], "attempt": attempt, "answer": text}
                )
                # `duplicate`: deliver once more as a retry, as VK does when an answer is late.
                if text == "ok" and (attempt or not cb.get("duplicate")):
                    return
                if text != "ok":
                    await asyncio.sleep(cb.get("retry_seconds", 0.5))

    async def pusher(app: web.Application) -> Any:
        async def loop() -> None:
            sent = 0
            while True:
                await asyncio.sleep(0.05)
                cb = state.callback
                if cb is None or not cb.get("confirmed"):
                    continue
                while sent < len(state.events):
                    await deliver(state.events[sent])
                    sent += 1

        task = asyncio.create_task(loop())
        yield
        task.cancel()

    async def on_startup(_: web.Application) -> None:
        state.changed = asyncio.Event()

    async def add_post(request: web.Request) -> web.Response:
        d = await request.json()
        owner = int(d["owner_id"])
        pid = next(state.next_post)
        post = {
            "id": pid,
            "owner_id": owner,
            "from_id": int(d.get("from_id", owner)),
            "date": int(d.get("date", time.time())),
            "text": d.get("text", ""),
            "post_type": "post",
            "likes": {
                "count": int(d.get("likes", 0)),
                "user_likes": 0,
                "can_like": 1,
                "can_publish": 1,
            },
            "reposts": {"count": 0, "user_reposted": 0},
            "views": {"count": int(d.get("views", 0))},
        }
        if d.get("copy_history"):
            post["copy_history"] = d["copy_history"]
        state.wall(owner).posts[pid] = post
        state.event("wall_repost" if d.get("copy_history") else "wall_post_new", dict(post))
        return web.json_response({"id": pid})

    async def add_comment(request: web.Request) -> web.Response:
        d = await request.json()
        owner, pid = int(d["owner_id"]), int(d["post_id"])
        wall = state.wall(owner)
        cid = next(wall.next_comment)
        comment = {
            "id": cid,
            "from_id": int(d["from_id"]),
            "date": int(d.get("date", time.time())),
            "text": d.get("text", ""),
            "post_id": pid,
            "owner_id": owner,
        }
        if d.get("reply_to_comment"):
            comment["reply_to_comment"] = int(d["reply_to_comment"])
        wall.comments.setdefault(pid, []).append(comment)
        state.event("wall_reply_new", {**comment, "post_owner_id": owner})
        return web.json_response({"id": cid})

    async def edit_post(request: web.Request) -> web.Response:
        d = await request.json()
        post = state.wall(int(d["owner_id"])).posts[int(d["post_id"])]
        post.update(text=d["text"], edited=int(time.time()))
        return web.json_response({"ok": True})

    async def delete_post(request: web.Request) -> web.Response:
        d = await request.json()
        state.wall(int(d["owner_id"])).posts.pop(int(d["post_id"]))
        return web.json_response({"ok": True})

    def find_comment(d: dict[str, Any]) -> dict[str, Any]:
        wall = state.wall(int(d["owner_id"]))
        return next(c for c in wall.comments[int(d["post_id"])] if c["id"] == int(d["id"]))

    async def edit_comment(request: web.Request) -> web.Response:
        d = await request.json()
        comment = find_comment(d)
        comment["text"] = d["text"]
        state.event("wall_reply_edit", {**comment, "post_owner_id": comment["owner_id"]})
        return web.json_response({"ok": True})

    async def delete_comment(request: web.Request) -> web.Response:
        d = await request.json()
        comment = find_comment(d)
        state.wall(int(d["owner_id"])).comments[int(d["post_id"])].remove(comment)
        obj = {"owner_id": comment["owner_id"], "id": comment["id"], "post_id": comment["post_id"]}
        state.event("wall_reply_delete", {**obj, "deleter_id": int(d.get("deleter_id", 1))})
        return web.json_response({"ok": True})

    async def profile(request: web.Request) -> web.Response:
        d = await request.json()
        if int(d["id"]) > 0:
            state.profiles[int(d["id"])] = d
        else:
            state.groups[-int(d["id"])] = {"id": -int(d["id"]), "name": d["name"]}
        return web.json_response({"ok": True})

    async def lp_fail(request: web.Request) -> web.Response:
        state.lp_fail.append(int((await request.json())["failed"]))
        return web.json_response({"ok": True})

    async def register_callback(request: web.Request) -> web.Response:
        """Like saving a server in the community settings: VK asks for the confirmation code."""
        d = await request.json()
        cb = {**d, "confirmed": False}
        async with aiohttp.ClientSession() as session:
            body = {"type": "confirmation", "group_id": int(d["group_id"]), "secret": d["secret"]}
            async with session.post(d["url"], json=body) as resp:
                answer = await resp.text()
        cb["confirmed"] = answer == d["confirmation"]
        state.callback = cb if cb["confirmed"] else None
        return web.json_response({"confirmed": cb["confirmed"], "answer": answer})

    async def delivered(_: web.Request) -> web.Response:
        return web.json_response({"delivered": state.delivered, "events": len(state.events)})

    app = web.Application()
    app.on_startup.append(on_startup)
    app.cleanup_ctx.append(pusher)
    app.router.add_route("*", "/method/{name}", method)
    app.router.add_get("/lp/{group}", long_poll)
    for path, handler in {
        "post": add_post,
        "comment": add_comment,
        "edit_post": edit_post,
        "delete_post": delete_post,
        "edit_comment": edit_comment,
        "delete_comment": delete_comment,
        "profile": profile,
        "longpoll_fail": lp_fail,
        "callback": register_callback,
    }.items():
        app.router.add_post(f"/_test/{path}", handler)
    app.router.add_get("/_test/callbacks", delivered)
    state.control.routes(app)
    return app


def main(argv: list[str] | None = None) -> None:
    serve_cli(
        "Локальный VK API для тестов и демонстрации",
        8095,
        lambda a: create_app(a.token),
        lambda p: p.add_argument("--token", default=None),
        argv,
    )


if __name__ == "__main__":
    main()
