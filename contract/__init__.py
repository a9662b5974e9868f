"""The wire contract, defined once: raw messages and responses as they arrive (pure, no I/O)."""

from contract.jsonwire import WireError, decode
from contract.message import DERIVED, Author, PosAppeal, RawMessage, Reactions, Response

__all__ = [
    "DERIVED",
    "Author",
    "PosAppeal",
    "RawMessage",
    "Reactions",
    "Response",
    "WireError",
    "decode",
]
