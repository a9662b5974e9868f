"""`mcu connect telethon`: public channels and their discussion groups by `min_id`, edits and
deletions from MTProto updates; FLOOD_WAIT is waited out. Channel posts and comments are
cursored separately: `channel:<name>` and `discussion:<name>` (with the post each thread is
about), `changes` for the update position."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from telethon.errors import FloodWaitError, RPCError
from telethon.tl import types

from connectors.base import Context, poll_forever
from connectors.errors import RateLimited, Transient
from connectors.message import DELETED_TEXT, Wire, from_unix
from connectors.settings import ConnectorSettings, TelethonSettings, secret
from connectors.telethon import normalise as tl
from connectors.telethon.source import MtprotoSource, TelethonSource, TlLogSource

PREFIX = "MCU_CONNECTORS__TELETHON__"
THREADS = 1000  # discussion-group copies of channel posts remembered


async def guarded(call: Any) -> Any:
    """Telethon's errors as connector errors: FLOOD_WAIT waits, other RPC errors retry."""
    try:
        return await call
    except FloodWaitError as exc:
        raise RateLimited("Telegram FLOOD_WAIT", float(exc.seconds), code="flood_wait") from exc
    except (RPCError, ConnectionError, OSError) as exc:
        raise Transient(f"MTProto: {type(exc).__name__}", code="mtproto") from exc


class TelethonConnector:
    name: ClassVar[str] = "telethon"
    source: ClassVar[str] = "telegram"

    def __init__(self, settings: ConnectorSettings) -> None:
        self.cfg: TelethonSettings = settings.connectors.telethon

    def _source(self) -> MtprotoSource:
        if self.cfg.replay_dir is not None:
            return TlLogSource(self.cfg.replay_dir)
        api_hash = secret(self.cfg.api_hash, self.cfg.api_hash_file, f"{PREFIX}API_HASH")
        if self.cfg.api_id is None:
            from connectors.errors import ConfigMissing

            raise ConfigMissing(f"Не задан {PREFIX}API_ID (приложение на my.telegram.org).")
        return TelethonSource(self.cfg.session_file, self.cfg.api_id, api_hash)

    async def run(self, ctx: Context) -> None:
        source = self._source()
        await ctx.retrying(lambda: guarded(source.start()))
        try:
            await poll_forever(ctx, self.cfg.poll_seconds, lambda: self.once(ctx, source))
        finally:
            await source.close()

    async def once(self, ctx: Context, source: MtprotoSource) -> None:
        officials = set(self.cfg.official_ids)
        for name in self.cfg.channels:
            channel = await ctx.retrying(lambda n=name: guarded(source.channel(n)))  # type: ignore[misc]
            await self._channel(ctx, source, name, channel, officials)
            group = await ctx.retrying(lambda c=channel: guarded(source.discussion(c)))  # type: ignore[misc]
            if group is not None:
                await self._discussion(ctx, source, name, channel, group, officials)
        await self._changes(ctx, source, officials)

    async def _channel(
        self,
        ctx: Context,
        source: MtprotoSource,
        name: str,
        channel: types.Channel,
        officials: set[int],
    ) -> None:
        scope = f"channel:{name}"
        while True:
            min_id = int((ctx.cursor(scope) or {}).get("min_id", 0))
            batch = await ctx.retrying(
                lambda m=min_id: guarded(source.history(channel, m, self.cfg.history_batch))  # type: ignore[misc]
            )
            if not batch:
                return
            found = [tl.post(m, channel, officials) for m in batch]
            await ctx.emit(found, {scope: {"min_id": batch[-1].id, "channel_id": channel.id}})

    async def _discussion(
        self,
        ctx: Context,
        source: MtprotoSource,
        name: str,
        channel: types.Channel,
        group: types.Channel,
        officials: set[int],
    ) -> None:
        scope = f"discussion:{name}"
        while True:
            state: dict[str, Any] = ctx.cursor(scope) or {"min_id": 0, "threads": {}}
            threads: dict[str, str] = dict(state["threads"])
            batch = await ctx.retrying(
                lambda m=int(state["min_id"]): guarded(
                    source.history(group, m, self.cfg.history_batch)
                )  # type: ignore[misc]
            )
            if not batch:
                return
            found: list[Wire] = []
            for m in batch:
                fwd = m.fwd_from
                if (
                    fwd
                    and isinstance(fwd.from_id, types.PeerChannel)
                    and fwd.from_id.channel_id == channel.id
                ):
                    # The group's automatic copy of a channel post: it opens the post's thread.
                    threads[str(m.id)] = tl.message_id(channel.id, fwd.channel_post or m.id)
                    continue
                found.append(tl.comment(m, group, threads, officials))
            kept = dict(list(threads.items())[-THREADS:])
            cursor = {"min_id": batch[-1].id, "threads": kept, "group_id": group.id}
            await ctx.emit(found, {scope: cursor})

    async def _changes(self, ctx: Context, source: MtprotoSource, officials: set[int]) -> None:
        after = int((ctx.cursor("changes") or {}).get("position", 0))
        changes, position = await ctx.retrying(lambda: guarded(source.changes(after)))
        found: list[Wire] = []
        for change in changes:
            if isinstance(change, types.UpdateEditChannelMessage) and isinstance(
                change.message, types.Message
            ):
                m = change.message
                peer = m.peer_id
                if isinstance(peer, types.PeerChannel):
                    chat = types.Channel(
                        id=peer.channel_id, title="", photo=types.ChatPhotoEmpty(), date=m.date
                    )
                    found.append(tl.post(m, chat, officials, status="edited"))
            elif isinstance(change, types.UpdateDeleteChannelMessages):
                for gone in change.messages:
                    mid = tl.message_id(change.channel_id, gone)
                    found.append(
                        Wire(
                            id=mid,
                            source="telegram",
                            kind="post",
                            thread_id=mid,
                            text=DELETED_TEXT,
                            created_at=from_unix(time.time()),
                            status="deleted",
                        )
                    )
        if found or position != after:
            await ctx.emit(found, {"changes": {"position": position}})
