"""`mcu connect form`: the site's feedback form posts here. JSON body signed with
HMAC-SHA256 (header X-Signature: sha256=<hex>), its `id` is the idempotency key, and the
answer is 2xx only after Kafka acknowledged the message; bad input gets a clear 4xx."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any, ClassVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.base import Context
from connectors.http import serve_until_stopped
from connectors.message import Author, Wire
from connectors.settings import ConnectorSettings, FormSettings, secret

PREFIX = "MCU_CONNECTORS__FORM__"
SEEN = 5000


class FormPost(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    text: str = Field(min_length=1, max_length=20000)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    address: str | None = Field(default=None, max_length=500)
    category: str | None = Field(default=None, max_length=100)
    created_at: datetime | None = None
    page: str | None = Field(default=None, max_length=500)


def signature(secret_key: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret_key.encode(), body, hashlib.sha256).hexdigest()


def problem(status: int, text: str) -> web.Response:
    return web.json_response({"ok": False, "error": text}, status=status)


def to_wire(post: FormPost, site: str) -> Wire:
    mid = f"site:{post.id}"
    created = post.created_at or datetime.now(UTC)
    if created.tzinfo is None:
        raise ValueError("created_at без часового пояса")
    contacts = {k: v for k, v in {"email": post.email, "phone": post.phone}.items() if v}
    extra: dict[str, Any] = {"contacts": contacts} if contacts else {}
    if post.address:
        extra["address"] = post.address
    return Wire(
        id=mid,
        source="site",
        kind="appeal",
        thread_id=mid,
        url=post.page or site,
        author=Author(id=f"site:{post.email}" if post.email else None, name=post.name),
        text=post.text,
        created_at=created,
        category_hint=post.category,
        extra=extra or {},
    )


class FormConnector:
    name: ClassVar[str] = "form"
    source: ClassVar[str] = "site"

    def __init__(self, settings: ConnectorSettings) -> None:
        self.cfg: FormSettings = settings.connectors.form

    async def run(self, ctx: Context) -> None:
        cfg = self.cfg
        key = secret(cfg.hmac_secret, cfg.hmac_secret_file, f"{PREFIX}HMAC_SECRET")
        lock = asyncio.Lock()

        async def handle(request: web.Request) -> web.Response:
            if request.content_length is not None and request.content_length > cfg.max_bytes:
                return problem(413, f"Слишком большое сообщение: больше {cfg.max_bytes} байт")
            try:
                body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return problem(413, f"Слишком большое сообщение: больше {cfg.max_bytes} байт")
            given = request.headers.get("X-Signature", "")
            if not hmac.compare_digest(given, signature(key, body)):
                return problem(401, "Неверная подпись (заголовок X-Signature: sha256=<HMAC>)")
            try:
                post = FormPost.model_validate_json(body)
                message = to_wire(post, cfg.site_url)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "тело"
                return problem(422, f"Неверное поле {where}: {first['msg']}")
            except ValueError as exc:
                return problem(422, f"Неверные данные: {exc}")
            async with lock:  # one read-modify-write of the seen keys at a time
                seen: list[str] = ctx.cursor("seen", [])
                if message.id not in seen:
                    # 2xx only after the broker acked: the site retries until then.
                    await ctx.emit([message], {"seen": [*seen, message.id][-SEEN:]})
            ctx.metrics.polled(ctx.name)
            return web.json_response({"ok": True, "id": message.id})

        app = web.Application(client_max_size=cfg.max_bytes)
        app.router.add_post("/form", handle)
        await serve_until_stopped(
            ctx.stop, app, cfg.host, cfg.port, lambda: ctx.metrics.polled(ctx.name)
        )
