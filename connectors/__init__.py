"""Connectors: each turns one real source into messages on mcu.messages.raw (DESIGN.md)."""
