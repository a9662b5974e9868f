"""MTProto messages (telethon.tl.types) → wire messages, with the Bot API's ids
(`tg:-100<channel>/<message>`), so both Telegram connectors name a message alike."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from telethon.tl import types

from connectors.message import Author, Kind, Reactions, Status, Wire


def chat_id(channel_id: int) -> int:
    return int(f"-100{channel_id}")


def message_id(channel_id: int, message: int) -> str:
    return f"tg:{chat_id(channel_id)}/{message}"


def _reactions(m: types.Message) -> int:
    results = m.reactions.results if m.reactions else []
    return sum(r.count for r in results)


def original(m: types.Message) -> str | None:
    fwd = m.fwd_from
    if fwd and isinstance(fwd.from_id, types.PeerChannel) and fwd.channel_post:
        return message_id(fwd.from_id.channel_id, fwd.channel_post)
    return None


def author(m: types.Message, chat: types.Channel, officials: Collection[int]) -> Author:
    peer = m.from_id
    if isinstance(peer, types.PeerUser):
        return Author(id=f"tg:{peer.user_id}", is_official=peer.user_id in officials)
    if isinstance(peer, types.PeerChannel):
        return Author(id=f"tg:{chat_id(peer.channel_id)}", is_official=peer.channel_id in officials)
    return Author(id=f"tg:{chat_id(chat.id)}", name=chat.title, is_official=chat.id in officials)


def post(
    m: types.Message, chat: types.Channel, officials: Collection[int], status: Status | None = None
) -> Wire:
    mid = message_id(chat.id, m.id)
    return Wire(
        id=mid,
        source="telegram",
        kind="post",
        thread_id=mid,
        url=f"https://t.me/{chat.username}/{m.id}" if chat.username else None,
        author=author(m, chat, officials),
        text=m.message or "",
        created_at=m.date,
        reactions=Reactions(
            likes=_reactions(m),
            reposts=m.forwards or 0,
            comments=m.replies.replies if m.replies else 0,
            views=m.views or 0,
        ),
        status=status,
        original_id=original(m),
    )


def comment(
    m: types.Message,
    group: types.Channel,
    threads: Mapping[str, str],
    officials: Collection[int],
    status: Status | None = None,
) -> Wire:
    """A message of a channel's discussion group: its thread is the channel post it discusses."""
    reply = m.reply_to
    top = (
        (reply.reply_to_top_id or reply.reply_to_msg_id)
        if isinstance(reply, types.MessageReplyHeader)
        else None
    )
    thread = threads.get(str(top)) if top else None
    parent_msg = reply.reply_to_msg_id if isinstance(reply, types.MessageReplyHeader) else None
    parent = threads.get(str(parent_msg)) or (
        message_id(group.id, parent_msg) if parent_msg else None
    )
    who = author(m, group, officials)
    kind: Kind = "reply" if who.is_official and parent else ("comment" if parent else "post")
    mid = message_id(group.id, m.id)
    return Wire(
        id=mid,
        source="telegram",
        kind=kind,
        thread_id=thread or mid,
        parent_id=parent,
        url=f"https://t.me/{group.username}/{m.id}" if group.username else None,
        author=who,
        text=m.message or "",
        created_at=m.date,
        reactions=Reactions(likes=_reactions(m)),
        status=status,
        original_id=original(m) if not thread else None,
    )
