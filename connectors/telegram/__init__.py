"""Telegram: the Bot API (aiogram) for chats where the МЦУ bot is admin."""
