"""A thin client of OK's REST API: POST fb.do with `sig` = MD5 of the sorted parameters plus
MD5(access_token + application secret key); errors as {"error_code", "error_msg"}."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import aiohttp

from connectors.base import Throttle
from connectors.errors import AuthFailed, RateLimited, Transient
from connectors.http import TIMEOUT, check_status, network

PREFIX = "MCU_CONNECTORS__OK__"
AUTH_ERRORS = {100, 101, 102, 103, 104}  # PARAM, API_KEY, SESSION_EXPIRED, SESSION_KEY, SIGNATURE
RATE_ERRORS = {8, 9}  # FLOOD_BLOCKED, IP_BLOCKED
TRANSIENT_ERRORS = {1, 2}  # UNKNOWN, SERVICE


def sign(params: dict[str, str], access_token: str, secret_key: str) -> str:
    """OK's signature: session_key and access_token are not part of the signed string."""
    secret = hashlib.md5((access_token + secret_key).encode()).hexdigest()
    body = "".join(
        f"{k}={params[k]}" for k in sorted(params) if k not in ("session_key", "access_token")
    )
    return hashlib.md5((body + secret).encode()).hexdigest()


class OkError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"OK {code}: {message}")
        self.code = code


class OkApi:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        application_key: str,
        access_token: str,
        secret_key: str,
        rate: float,
    ) -> None:
        self.session, self.url, self.application_key = session, url, application_key
        self._token, self._secret = access_token, secret_key
        self.throttle = Throttle(rate)

    async def call(self, method: str, **params: Any) -> Any:
        await self.throttle.wait()
        data = {k: str(v) for k, v in params.items() if v is not None}
        data.update(application_key=self.application_key, method=method, format="json")
        data["sig"] = sign(data, self._token, self._secret)
        data["access_token"] = self._token
        try:
            async with self.session.post(self.url, data=data, timeout=TIMEOUT) as resp:
                check_status(resp, "OK")
                body = json.loads(await resp.read())
        except aiohttp.ClientError as exc:
            raise network("OK", exc) from exc
        except ValueError as exc:
            raise Transient("OK: ответ не JSON", code="bad_json") from exc
        if isinstance(body, dict) and "error_code" in body:
            code, message = int(body["error_code"]), str(body.get("error_msg", ""))
            if code in AUTH_ERRORS:
                raise AuthFailed(
                    f"OK отклонил запрос ({message}); проверьте {PREFIX}ACCESS_TOKEN, "
                    f"{PREFIX}SECRET_KEY и {PREFIX}APPLICATION_KEY."
                )
            if code in RATE_ERRORS:
                self.throttle.slow_down()
                raise RateLimited(message, 2.0, code=str(code))
            if code in TRANSIENT_ERRORS:
                raise Transient(message, code=str(code))
            raise OkError(code, message)
        return body
