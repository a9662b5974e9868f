"""Community events (Callback API and Bots Long Poll share them) → wire messages."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from connectors.message import Status, Wire
from connectors.vk import normalise as vk

WALL_EVENTS = {
    "wall_post_new",
    "wall_repost",
    "wall_reply_new",
    "wall_reply_edit",
    "wall_reply_restore",
    "wall_reply_delete",
}


def messages(event: Mapping[str, Any], who: vk.Officials) -> list[Wire]:
    """What one event says; events about other things (messages, photos…) give nothing."""
    kind = str(event.get("type", ""))
    obj: Mapping[str, Any] = event.get("object") or {}
    if kind in ("wall_post_new", "wall_repost"):
        if obj.get("post_type", "post") == "suggest":
            return []  # a suggested post is not public until the community publishes it
        return [vk.post(obj, who)]
    if kind in ("wall_reply_new", "wall_reply_edit", "wall_reply_restore"):
        owner = int(obj.get("post_owner_id", obj.get("owner_id", 0)))
        status: Status | None = "edited" if kind == "wall_reply_edit" else None
        return [vk.comment(obj, owner, int(obj["post_id"]), who, status=status)]
    if kind == "wall_reply_delete":
        owner, pid, cid = int(obj["owner_id"]), int(obj["post_id"]), int(obj["id"])
        thread = vk.post_id(owner, pid)
        return [vk.deleted(vk.comment_id(owner, pid, cid), thread, thread, time.time())]
    return []
