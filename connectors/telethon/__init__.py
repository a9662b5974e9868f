"""Telegram channels and chats the МЦУ does not administer: an MTProto user client (Telethon)."""
