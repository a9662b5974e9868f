"""Links in alerts and reports: only http(s) URLs, ids escaped for the Kibana query they go into."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

SCHEMES = ("http", "https")


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link; None for javascript:, data:, relative or junk."""
    if not url:
        return None
    url = url.strip()
    # Browsers drop tabs and newlines inside URLs, so "java\tscript:" would still run.
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        return None
    return url


def kql_phrase(value: str) -> str:
    """Inside a KQL quoted phrase only the backslash and the double quote are special."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def rison_string(value: str) -> str:
    """Inside a rison '…' string the quote and the escape character are written !' and !!."""
    return value.replace("!", "!!").replace("'", "!'")


def kibana_id(value: str) -> str:
    """An id for `query:'id:"{id}"'` in a Kibana / Dashboards URL: KQL, rison, then URL-encoded."""
    # ":" and "@" (in every message id) are allowed in a URL fragment and read well.
    return quote(rison_string(kql_phrase(value)), safe=":@")
