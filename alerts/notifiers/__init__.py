"""Delivery of notifications: e-mail and Telegram."""
