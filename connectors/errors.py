"""What can go wrong talking to a source, and what the connector does about it."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base: `code` labels the API error metric (a small closed set per API)."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class AuthFailed(ConnectorError):
    """The source rejected our credentials: this connector stops, the others go on.

    The message is Russian and names the setting to fix."""

    code = "auth"


class RateLimited(ConnectorError):
    """The source asked us to slow down; wait `retry_after` seconds, then the same call again."""

    code = "rate_limit"

    def __init__(self, message: str, retry_after: float, code: str | None = None) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


class Transient(ConnectorError):
    """Network trouble or a 5xx: back off exponentially and retry; nothing is dropped."""

    code = "transient"


class ConfigMissing(ConnectorError):
    """A required setting is not set (the Russian message names it)."""

    code = "config"
