"""`mcu connect vk`: the administered community (Long Poll or Callback API) and polled walls."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import aiohttp

from connectors.base import Context, poll_forever
from connectors.http import serve_until_stopped
from connectors.keywords import keywords_from_lexicons
from connectors.settings import ConnectorSettings, VkSettings, secret
from connectors.vk import normalise as vk
from connectors.vk.callback import create_app
from connectors.vk.client import RATES, TOKEN_SETTING, VkApi, VkError
from connectors.vk.longpoll import LongPoll
from connectors.vk.walls import Search, WallPoller

PREFIX = "MCU_CONNECTORS__VK__"


class VkConnector:
    name: ClassVar[str] = "vk"
    source: ClassVar[str] = "vk"

    def __init__(self, settings: ConnectorSettings) -> None:
        self.cfg: VkSettings = settings.connectors.vk

    async def run(self, ctx: Context) -> None:
        cfg = self.cfg
        token = secret(cfg.token, cfg.token_file, TOKEN_SETTING)
        who = vk.Officials(cfg.group_id, frozenset(cfg.official_ids))
        async with aiohttp.ClientSession() as session:
            api = VkApi(session, cfg.api_url, token, cfg.version, RATES[cfg.token_kind])
            walls = WallPoller(ctx, api, who, cfg.track_posts)
            search = Search(ctx, api, who, cfg.search_overlap_seconds)
            queries = (cfg.keywords or keywords_from_lexicons()) if cfg.search else []

            async def poll_walls() -> None:
                for owner in cfg.walls:
                    try:
                        await walls.poll(owner)
                    except VkError as exc:  # a wall we may not read: the others go on
                        ctx.metrics.error(ctx.name, str(exc.code))
                for query in queries:
                    await search.poll(query)

            tasks = [poll_forever(ctx, cfg.poll_seconds, poll_walls)]
            if cfg.mode == "longpoll":
                own = -abs(self._group())

                async def backfill() -> None:
                    await walls.poll(own)

                poller = LongPoll(ctx, api, session, who, cfg.longpoll_wait, backfill)
                tasks.append(poller.run())
            elif cfg.mode == "callback":
                tasks.append(self._callback(ctx, who))
            await asyncio.gather(*tasks)

    def _group(self) -> int:
        if self.cfg.group_id is None:
            from connectors.errors import ConfigMissing

            raise ConfigMissing(f"Не задан {PREFIX}GROUP_ID — сообщество, которым управляет МЦУ.")
        return self.cfg.group_id

    async def _callback(self, ctx: Context, who: vk.Officials) -> None:
        cfg = self.cfg
        self._group()
        confirmation = secret(
            cfg.callback_confirmation,
            cfg.callback_confirmation_file,
            f"{PREFIX}CALLBACK_CONFIRMATION",
        )
        key = secret(cfg.callback_secret, cfg.callback_secret_file, f"{PREFIX}CALLBACK_SECRET")
        app = create_app(ctx, who, confirmation, key)
        await serve_until_stopped(
            ctx.stop,
            app,
            cfg.callback_host,
            cfg.callback_port,
            lambda: ctx.metrics.polled(ctx.name),
        )
