"""Who calls the alerts API: per-person tokens (stored as SHA-256) with roles, and a shared one."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from alerts.roster import Role, RosterConfig

Permission = Literal["read", "act", "audit"]
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    "viewer": frozenset({"read"}),
    "operator": frozenset({"read", "act"}),
    "admin": frozenset({"read", "act", "audit"}),
}
# Who acted when the shared token (MCU_ALERTS__API_TOKEN) was used: scripts, not a person.
SHARED_TOKEN_ID = "api-token"
SHARED_TOKEN_ROLE: Role = "operator"
TOKEN_BYTES = 32


def new_token() -> str:
    """256 random bits: a fast hash is enough to store it (nothing to brute-force)."""
    return "mcu_" + secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    id: str
    role: Role

    def may(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]


class Tokens:
    """Maps a presented token to the person behind it."""

    def __init__(self, roster: RosterConfig, shared: str | None = None) -> None:
        self._by_hash = {
            token: Caller(person.id, person.api_role)
            for person in roster.people
            for token in person.api_tokens
        }
        self._shared = shared or None

    def __len__(self) -> int:
        return len(self._by_hash) + (self._shared is not None)

    def caller(self, token: str) -> Caller | None:
        if not token:
            return None
        if self._shared is not None and hmac.compare_digest(token.encode(), self._shared.encode()):
            return Caller(SHARED_TOKEN_ID, SHARED_TOKEN_ROLE)
        # The lookup key is a hash of the token, so its timing tells nothing about a stored one.
        return self._by_hash.get(hash_token(token))
