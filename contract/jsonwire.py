"""Strict JSON at the edge: what a later stage (encoder, search engine) would choke on."""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 32


class WireError(ValueError):
    """A record that is not acceptable JSON; `reason` says why, starting with a stable code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"число вне диапазона: {text[:40]}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode(raw: bytes) -> Any:
    """Parses one record: UTF-8, JSON without NaN/Infinity, nesting ≤ 32, no lone surrogates."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WireError(f"not UTF-8: {exc}") from exc
    try:
        data = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError as exc:
        raise WireError("not JSON: nested too deep") from exc
    except ValueError as exc:  # JSONDecodeError, over-long integers, infinities
        raise WireError(f"not JSON: {str(exc)[:200]}") from exc
    check(data)
    return data


def check(data: Any) -> None:
    """Walks the value once: depth and lone surrogates (which no UTF-8 encoder can write)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _utf8(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise WireError(f"not JSON: nested deeper than {MAX_DEPTH}")
            if isinstance(value, dict):
                for key, item in value.items():
                    _utf8(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def _utf8(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WireError(f"invalid string: lone surrogate at {exc.start}") from exc
