"""A thin VK API client over aiohttp: POST /method/<name>, rate limit, errors 5/6/9/29."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from connectors.base import Throttle
from connectors.errors import AuthFailed, RateLimited, Transient
from connectors.http import TIMEOUT, check_status, network, retry_after

# Requests per second VK allows per token (https://dev.vk.com/ru/api/api-requests).
RATES = {"user": 3.0, "community": 20.0}
TOKEN_SETTING = "MCU_CONNECTORS__VK__TOKEN"


class VkError(Exception):
    """A VK error that retrying will not fix (access denied, deleted wall, bad parameter)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"VK {code}: {message}")
        self.code = code


class VkApi:
    def __init__(
        self, session: aiohttp.ClientSession, base: str, token: str, version: str, rate: float
    ) -> None:
        self.session, self.base, self.version = session, base.rstrip("/"), version
        self._token = token
        self.throttle = Throttle(rate)

    async def call(self, method: str, **params: Any) -> Any:
        await self.throttle.wait()
        data = {k: _param(v) for k, v in params.items() if v is not None}
        data.update(access_token=self._token, v=self.version)
        try:
            async with self.session.post(
                f"{self.base}/{method}", data=data, timeout=TIMEOUT
            ) as resp:
                check_status(resp, "VK")
                body = await resp.json(content_type=None)
                headers = resp.headers
        except aiohttp.ClientError as exc:
            raise network("VK", exc) from exc
        except json.JSONDecodeError as exc:
            raise Transient("VK: ответ не JSON", code="bad_json") from exc
        if "error" in body:
            self._raise(body["error"], headers)
        return body["response"]

    def _raise(self, error: dict[str, Any], headers: Any) -> None:
        code = int(error.get("error_code", 0))
        message = str(error.get("error_msg", ""))
        if code == 5:
            raise AuthFailed(f"VK отклонил ключ доступа ({message}); проверьте {TOKEN_SETTING}.")
        if code == 6:  # too many requests per second
            self.throttle.slow_down()
            raise RateLimited(message, retry_after(headers, 1.0), code="6")
        if code == 9:  # flood control
            raise RateLimited(message, retry_after(headers, 10.0), code="9")
        if code == 29:  # the method's daily quota
            raise RateLimited(message, retry_after(headers, 60.0), code="29")
        if code in (1, 10):  # unknown / internal server error
            raise Transient(message, code=str(code))
        raise VkError(code, message)

    async def execute(self, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        """Up to 25 calls in one request (VKScript `return [API.m({...}), ...];`)."""
        body = ",".join(f"API.{m}({json.dumps(p, ensure_ascii=False)})" for m, p in calls)
        result = await self.call("execute", code=f"return [{body}];")
        return list(result)


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)
