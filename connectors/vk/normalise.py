"""VK posts and comments → wire messages (ids `vk:<owner>_<post>[_<comment>]`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.message import Author, Reactions, Status, Wire, from_unix

SOURCE = "vk"


def post_id(owner: int, post: int) -> str:
    return f"vk:{owner}_{post}"


def comment_id(owner: int, post: int, comment: int) -> str:
    return f"vk:{owner}_{post}_{comment}"


@dataclass(frozen=True)
class Officials:
    """Who speaks for the administration on VK: the community itself and the roster's accounts."""

    group_id: int | None = None
    ids: Collection[int] = ()
    names: Mapping[int, str] = field(default_factory=dict)

    def official(self, from_id: int, owner_id: int) -> bool:
        if self.group_id is not None and from_id == -abs(self.group_id):
            return True
        # Roster accounts; negative ids are other communities of the administration.
        return from_id in self.ids

    def author(self, from_id: int, owner_id: int) -> Author:
        return Author(
            id=f"vk:{from_id}",
            name=self.names.get(from_id),
            is_official=self.official(from_id, owner_id),
        )


def names(response: Mapping[str, Any]) -> dict[int, str]:
    """Display names from an `extended=1` response (profiles and groups)."""
    out: dict[int, str] = {}
    for p in response.get("profiles", []) or []:
        out[int(p["id"])] = f"{p.get('first_name', '')} {p.get('last_name', '')}".strip()
    for g in response.get("groups", []) or []:
        out[-int(g["id"])] = str(g.get("name", ""))
    return out


def _count(item: Mapping[str, Any], name: str) -> int:
    value = item.get(name)
    return int(value.get("count", 0)) if isinstance(value, Mapping) else 0


def post(item: Mapping[str, Any], who: Officials, status: Status | None = None) -> Wire:
    owner, pid = int(item["owner_id"]), int(item["id"])
    from_id = int(item.get("from_id", owner))
    history = item.get("copy_history") or []
    original = history[0] if history else None
    text = str(item.get("text") or "")
    if not text.strip() and original is not None:
        text = str(original.get("text") or "")
    mid = post_id(owner, pid)
    return Wire(
        id=mid,
        source=SOURCE,
        kind="post",
        thread_id=mid,
        url=f"https://vk.com/wall{owner}_{pid}",
        author=who.author(from_id, owner),
        text=text,
        created_at=from_unix(int(item["date"])),
        reactions=Reactions(
            likes=_count(item, "likes"),
            reposts=_count(item, "reposts"),
            comments=_count(item, "comments"),
            views=_count(item, "views"),
        ),
        status=status,
        original_id=(post_id(int(original["owner_id"]), int(original["id"])) if original else None),
    )


def comment(
    item: Mapping[str, Any], owner: int, pid: int, who: Officials, status: Status | None = None
) -> Wire:
    cid = int(item["id"])
    from_id = int(item.get("from_id", 0))
    reply_to = item.get("reply_to_comment")
    author = who.author(from_id, owner)
    return Wire(
        id=comment_id(owner, pid, cid),
        source=SOURCE,
        kind="reply" if author.is_official else "comment",
        thread_id=post_id(owner, pid),
        parent_id=comment_id(owner, pid, int(reply_to)) if reply_to else post_id(owner, pid),
        url=f"https://vk.com/wall{owner}_{pid}?reply={cid}",
        author=author,
        text=str(item.get("text") or ""),
        created_at=from_unix(int(item["date"])),
        reactions=Reactions(likes=_count(item, "likes")),
        status=status,
    )


def deleted(mid: str, thread: str, parent: str | None, when: float) -> Wire:
    return Wire(
        id=mid,
        source=SOURCE,
        kind="comment" if parent else "post",
        thread_id=thread,
        parent_id=parent,
        text="",
        created_at=from_unix(when),
        status="deleted",
    )


def flatten(items: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Top-level comments and the replies VK nests in `thread.items`, oldest first."""
    out: list[Mapping[str, Any]] = []
    for item in items:
        out.append(item)
        thread = item.get("thread") or {}
        out.extend(thread.get("items", []) or [])
    return sorted(out, key=lambda c: int(c["id"]))
