"""Bot API messages (aiogram types) → wire messages with ids `tg:<chat>/<message>`."""

from __future__ import annotations

from collections.abc import Collection

from aiogram.types import Chat, Message, MessageOriginChannel

from connectors.message import Author, Kind, Status, Wire

SOURCE = "telegram"


def message_id(chat_id: int, message: int) -> str:
    return f"tg:{chat_id}/{message}"


def url(chat: Chat, message: int) -> str | None:
    if chat.username:
        return f"https://t.me/{chat.username}/{message}"
    if str(chat.id).startswith("-100"):
        return f"https://t.me/c/{str(chat.id)[4:]}/{message}"
    return None


def author(message: Message, officials: Collection[int]) -> Author:
    chat = message.chat
    if message.sender_chat is not None:
        # Posted as a chat: the channel itself, or an anonymous admin of the group.
        sender = message.sender_chat
        own = sender.id == chat.id
        return Author(id=f"tg:{sender.id}", name=sender.title, is_official=own)
    if message.from_user is not None:
        user = message.from_user
        return Author(id=f"tg:{user.id}", name=user.full_name, is_official=user.id in officials)
    # A channel post without a signature: the channel speaks.
    return Author(id=f"tg:{chat.id}", name=chat.title, is_official=chat.type == "channel")


def wire(message: Message, officials: Collection[int], status: Status | None = None) -> Wire:
    chat = message.chat
    mid = message_id(chat.id, message.message_id)
    who = author(message, officials)
    parent = message.reply_to_message
    root = message.message_thread_id or (parent.message_id if parent else None)
    origin = message.forward_origin
    original = (
        message_id(origin.chat.id, origin.message_id)
        if isinstance(origin, MessageOriginChannel)
        else None
    )
    kind: Kind = "post"
    if parent is not None:
        kind = "reply" if who.is_official else "comment"
    return Wire(
        id=mid,
        source=SOURCE,
        kind=kind,
        thread_id=message_id(chat.id, root) if root else mid,
        parent_id=message_id(chat.id, parent.message_id) if parent else None,
        url=url(chat, message.message_id),
        author=who,
        text=message.text or message.caption or "",
        created_at=message.date,
        status=status,
        original_id=original,
    )
