"""One interactive login of the МЦУ's Telegram account; the session file then serves
`mcu connect telethon` (phone, code and password are typed here, never stored in settings).

    python -m connectors.telethon.login
"""

from __future__ import annotations

import asyncio

from connectors.settings import ConnectorSettings, secret


async def login() -> None:
    from telethon import TelegramClient

    cfg = ConnectorSettings().connectors.telethon
    if cfg.api_id is None:
        raise SystemExit("Не задан MCU_CONNECTORS__TELETHON__API_ID.")
    api_hash = secret(cfg.api_hash, cfg.api_hash_file, "MCU_CONNECTORS__TELETHON__API_HASH")
    client = TelegramClient(str(cfg.session_file), cfg.api_id, api_hash)
    await client.start()  # asks for the phone number, the code and the 2FA password
    me = await client.get_me()
    print(f"Вход выполнен: {getattr(me, 'username', None) or me.id}; сессия {cfg.session_file}")
    await client.disconnect()


if __name__ == "__main__":
    asyncio.run(login())
