"""A local OK REST API: POST /fb.do checks application_key and `sig` (MD5 of the sorted
parameters + MD5(access_token + secret key)) and answers as OK does, errors included.

Methods: mediatopic.getTopics (gid, anchor, count), discussions.getComments (discussionId,
anchor, direction=FORWARD, count). Test endpoints: /_test/topic {gid, text, author_ref,
reshare_of: {group_id, topic_id, text}} → {id}; /_test/comment {topic, text, author_id,
author_type, reply_to} → {id}; /_test/edit_topic {topic, text}; /_test/delete_topic {topic};
and Control's (fail {method, code}, hold, rate, status).

    python -m devstack.fakes.ok --port 8097 --app-key KEY --token TOKEN --secret SECRET
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from devstack.fakes.control import Control
from devstack.fakes.runner import serve_cli


@dataclass
class OkState:
    app_key: str
    token: str
    secret: str
    control: Control = field(default_factory=Control)
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(70000000000001))

    def signature_ok(self, params: dict[str, str]) -> bool:
        signed = {
            k: v for k, v in params.items() if k not in ("sig", "access_token", "session_key")
        }
        secret = hashlib.md5(f"{self.token}{self.secret}".encode()).hexdigest()
        base = "".join(f"{k}={v}" for k, v in sorted(signed.items())) + secret
        return hashlib.md5(base.encode()).hexdigest() == params.get("sig", "").lower()


def err(code: int, message: str) -> web.Response:
    return web.json_response({"error_code": code, "error_msg": message, "error_data": None})


def _page(
    items: list[dict[str, Any]], anchor: str | None, count: int
) -> tuple[list[dict[str, Any]], str, bool]:
    start = int(anchor) if anchor else 0
    page = items[start : start + count]
    return page, str(start + len(page)), start + len(page) < len(items)


def create_app(
    app_key: str = "CBAEMCU", token: str = "ok-token", secret: str = "ok-secret"
) -> web.Application:
    state = OkState(app_key, token, secret)

    def get_topics(p: dict[str, str]) -> dict[str, Any]:
        gid = p.get("gid", "")
        mine = [t for t in state.topics.values() if t["gid"] == gid]
        mine.sort(key=lambda t: -int(t["created_ms"]))
        page, anchor, more = _page(mine, p.get("anchor"), int(p.get("count", "20")))
        shown = [{k: v for k, v in t.items() if k != "gid"} for t in page]
        for t in shown:
            t["discussion_summary"] = {"comments_count": len(state.comments.get(t["id"], []))}
        refs = {t["author_ref"] for t in shown}
        groups = [{"ref": r, "name": "Администрация"} for r in refs if r.startswith("group:")]
        users = [{"ref": r, "name": "Житель"} for r in refs if r.startswith("user:")]
        return {
            "media_topics": shown,
            "anchor": anchor,
            "has_more": more,
            "entities": {"groups": groups, "users": users},
        }

    def get_comments(p: dict[str, str]) -> dict[str, Any]:
        comments = state.comments.get(p.get("discussionId", ""), [])
        page, anchor, more = _page(comments, p.get("anchor"), int(p.get("count", "20")))
        return {"comments": page, "anchor": anchor, "has_more": more}

    methods = {"mediatopic.getTopics": get_topics, "discussions.getComments": get_comments}

    async def fb_do(request: web.Request) -> web.Response:
        params = {k: str(v) for k, v in (await request.post()).items()}
        name = params.get("method", "")
        await state.control.hold(name)
        if params.get("application_key") != state.app_key:
            return err(101, "PARAM_API_KEY : Application key is invalid")
        if params.get("access_token") != state.token:
            return err(102, "PARAM_SESSION_EXPIRED : Session expired")
        if not state.signature_ok(params):
            return err(104, "PARAM_SIGNATURE : Invalid signature")
        injected = state.control.failure(name)
        if injected:
            return err(int(injected["code"]), "injected")
        if state.control.over_rate():
            return err(8, "FLOOD_BLOCKED : Flood blocked")
        if name not in methods:
            return err(3, f"METHOD : Method {name} does not exist")
        return web.json_response(methods[name](params))

    async def topic(request: web.Request) -> web.Response:
        d = await request.json()
        tid = str(next(state.ids))
        media: list[dict[str, Any]] = [{"type": "text", "text": d.get("text", "")}]
        if d.get("reshare_of"):
            media.append({"type": "reshare", **d["reshare_of"]})
        state.topics[tid] = {
            "id": tid,
            "gid": str(d["gid"]),
            "created_ms": int(d.get("created_ms", time.time() * 1000)),
            "author_ref": d.get("author_ref", f"group:{d['gid']}"),
            "media": media,
            "like_summary": {"count": 0},
        }
        return web.json_response({"id": tid})

    async def comment(request: web.Request) -> web.Response:
        d = await request.json()
        cid = str(next(state.ids))
        item = {
            "id": cid,
            "text": d["text"],
            "author_id": str(d["author_id"]),
            "author_type": d.get("author_type", "USER"),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        }
        if d.get("reply_to"):
            item["reply_to_comment_id"] = str(d["reply_to"])
        state.comments.setdefault(str(d["topic"]), []).append(item)
        return web.json_response({"id": cid})

    async def edit_topic(request: web.Request) -> web.Response:
        d = await request.json()
        topic = state.topics[str(d["topic"])]
        topic["media"] = [{"type": "text", "text": d["text"]}, *topic["media"][1:]]
        return web.json_response({"ok": True})

    async def delete_topic(request: web.Request) -> web.Response:
        state.topics.pop(str((await request.json())["topic"]))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/fb.do", fb_do)
    app.router.add_post("/_test/topic", topic)
    app.router.add_post("/_test/comment", comment)
    app.router.add_post("/_test/edit_topic", edit_topic)
    app.router.add_post("/_test/delete_topic", delete_topic)
    state.control.routes(app)
    return app


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--app-key", default="CBAEMCU")
    parser.add_argument("--token", default="ok-token")
    parser.add_argument("--secret", default="ok-secret")


def main(argv: list[str] | None = None) -> None:
    serve_cli(
        "Локальный REST API Одноклассников (fb.do)",
        8097,
        lambda a: create_app(a.app_key, a.token, a.secret),
        _options,
        argv,
    )


if __name__ == "__main__":
    main()
