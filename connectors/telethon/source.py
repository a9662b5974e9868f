"""What the connector needs from MTProto, as a small interface over Telethon's own TL types.

`TelethonSource` is the real client (history by `min_id`, `catch_up`, edits and deletions
from its update handler). `TlLogSource` reads the same TL objects, serialised by Telethon,
from an append-only file: no offline MTProto server exists, so tests and the demo use it."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path
from typing import Any, Protocol, TypeAlias

from telethon.extensions import BinaryReader
from telethon.tl import types
from telethon.tl.tlobject import TLObject

# UpdateEditChannelMessage or UpdateDeleteChannelMessages (Telethon's TL types are untyped).
Change: TypeAlias = Any


class MtprotoSource(Protocol):
    async def start(self) -> None: ...
    async def channel(self, name: str) -> types.Channel: ...
    async def discussion(self, channel: types.Channel) -> types.Channel | None: ...
    async def history(
        self, channel: types.Channel, min_id: int, limit: int
    ) -> list[types.Message]: ...
    async def changes(self, after: int) -> tuple[list[Change], int]: ...
    async def close(self) -> None: ...


def write_tl(path: Path, *objects: TLObject) -> None:
    """Appends length-prefixed TL objects (the test's and the demo's «server side»)."""
    with path.open("ab") as fh:
        for obj in objects:
            data = bytes(obj)
            fh.write(struct.pack("<I", len(data)) + data)


def read_tl(path: Path) -> list[TLObject]:
    if not path.exists():
        return []
    data, out, at = path.read_bytes(), [], 0
    while at + 4 <= len(data):
        (size,) = struct.unpack_from("<I", data, at)
        if at + 4 + size > len(data):
            break  # a record still being written
        out.append(BinaryReader(data[at + 4 : at + 4 + size]).tgread_object())
        at += 4 + size
    return out


class TlLogSource:
    """`chats.tl` holds Channel objects; `updates.tl` holds Message, UpdateEditChannelMessage
    and UpdateDeleteChannelMessages in arrival order; `flood` holds seconds of a FLOOD_WAIT."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def start(self) -> None:
        if not self.folder.is_dir():
            raise FileNotFoundError(self.folder)

    def _flood(self) -> None:
        from telethon.errors import FloodWaitError

        flood = self.folder / "flood"
        if flood.exists():
            seconds = int(flood.read_text().strip() or "1")
            flood.unlink()
            raise FloodWaitError(request=None, capture=seconds)

    def _chats(self) -> list[types.Channel]:
        return [c for c in read_tl(self.folder / "chats.tl") if isinstance(c, types.Channel)]

    async def channel(self, name: str) -> types.Channel:
        self._flood()
        for chat in self._chats():
            if chat.username == name.lstrip("@") or str(chat.id) == name:
                return chat
        raise ValueError(f"канал {name} не найден")

    async def discussion(self, channel: types.Channel) -> types.Channel | None:
        linked = [
            c for c in self._chats() if c.megagroup and c.title == f"{channel.title} — обсуждение"
        ]
        return linked[0] if linked else None

    async def history(self, channel: types.Channel, min_id: int, limit: int) -> list[types.Message]:
        self._flood()
        found = [
            m
            for m in read_tl(self.folder / "updates.tl")
            if isinstance(m, types.Message)
            and isinstance(m.peer_id, types.PeerChannel)
            and m.peer_id.channel_id == channel.id
            and m.id > min_id
        ]
        return sorted(found, key=lambda m: m.id)[:limit]

    async def changes(self, after: int) -> tuple[list[Change], int]:
        objects = read_tl(self.folder / "updates.tl")
        found = [
            (i, o)
            for i, o in enumerate(objects)
            if i >= after
            and isinstance(o, types.UpdateEditChannelMessage | types.UpdateDeleteChannelMessages)
        ]
        return [o for _, o in found], len(objects)

    async def close(self) -> None:
        return None


class TelethonSource:
    """The real MTProto user client; its session file keeps the login and the update state."""

    def __init__(self, session: Path, api_id: int, api_hash: str) -> None:
        from telethon import TelegramClient, events

        self.client = TelegramClient(str(session), api_id, api_hash)
        self.buffer: list[Change] = []
        self.seen = 0

        async def on_raw(update: TLObject) -> None:
            if isinstance(
                update, types.UpdateEditChannelMessage | types.UpdateDeleteChannelMessages
            ):
                self.buffer.append(update)

        self.client.add_event_handler(on_raw, events.Raw)

    async def start(self) -> None:
        from connectors.errors import AuthFailed

        await self.client.connect()
        if not await self.client.is_user_authorized():
            raise AuthFailed(
                "Сессия Telethon не авторизована: войдите один раз интерактивно "
                "(python -m connectors.telethon.login) и укажите "
                "MCU_CONNECTORS__TELETHON__SESSION_FILE."
            )
        await self.client.catch_up()  # updates missed while we were away

    async def channel(self, name: str) -> types.Channel:
        entity = await self.client.get_entity(name)
        if not isinstance(entity, types.Channel):
            raise ValueError(f"{name} — не канал и не группа")
        return entity

    async def discussion(self, channel: types.Channel) -> types.Channel | None:
        from telethon.tl.functions.channels import GetFullChannelRequest

        full = await self.client(GetFullChannelRequest(channel))
        linked = full.full_chat.linked_chat_id
        return next((c for c in full.chats if c.id == linked), None) if linked else None

    async def history(self, channel: types.Channel, min_id: int, limit: int) -> list[types.Message]:
        found = [
            m
            async for m in self.client.iter_messages(
                channel, min_id=min_id, limit=limit, reverse=True
            )
            if isinstance(m, types.Message)
        ]
        return found

    async def changes(self, after: int) -> tuple[list[Change], int]:
        await asyncio.sleep(0)
        found, self.buffer = self.buffer, []
        self.seen += len(found)
        return found, self.seen

    async def close(self) -> None:
        await self.client.disconnect()
