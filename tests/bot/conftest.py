"""Fixtures for the gateway's channels: gateway settings, a fake WeChat API server that speaks
WeChat's documented JSON, and a "hung" dependency that accepts connections and never answers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

from bot.settings import GatewaySettings
from kefu.redis_server import free_port
from tests.conftest import TEST_API_KEY, TEST_INTERNAL_TOKEN, unique_app_name

CHROMIUM = Path("/usr/bin/chromium")
WX_TOKEN = "wxtoken123"
WX_APPID = "wx1234567890abcdef"
WX_SECRET = "wxsecret-0123456789"
WX_AES_KEY = base64.b64encode(hashlib.sha256(b"kefu-test").digest()).decode().rstrip("=")


def gateway_settings(redis_url: str, database_url: str, **overrides: Any) -> GatewaySettings:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "database_url": database_url,
        "api_key": SecretStr(TEST_API_KEY),
        "internal_token": SecretStr(TEST_INTERNAL_TOKEN),  # what rasa_stack's Rasa expects
        "rasa_url": dead,
        "action_server_url": dead,
        "rasa_timeout_s": 3.0,
    }
    values.update(overrides)
    return GatewaySettings(**values)


def wechat_overrides(api_base: str) -> dict[str, Any]:
    return {
        "WECHAT_TOKEN": WX_TOKEN,
        "WECHAT_APPID": WX_APPID,
        "WECHAT_SECRET": WX_SECRET,
        "WECHAT_AES_KEY": WX_AES_KEY,
        "WECHAT_API_BASE": api_base,
    }


@dataclass
class FakeWeChatState:
    token_calls: int = 0
    valid_tokens: set[str] = field(default_factory=set)
    sent: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)
    out_of_window: set[str] = field(default_factory=set)
    new_message: asyncio.Event = field(default_factory=asyncio.Event)

    def invalidate_tokens(self) -> None:
        self.valid_tokens.clear()

    async def wait_sent(self, count: int, limit_s: float = 10.0) -> list[dict[str, Any]]:
        async def _wait() -> None:
            while len(self.sent) < count:
                self.new_message.clear()
                await self.new_message.wait()

        await asyncio.wait_for(_wait(), limit_s)
        return self.sent


def fake_wechat_app(state: FakeWeChatState) -> Sanic:
    """api.weixin.qq.com as documented: /cgi-bin/token, /cgi-bin/message/custom/send and
    /cgi-bin/message/template/send."""
    app = Sanic(unique_app_name("fake-wechat"))

    @app.get("/cgi-bin/token")
    async def token(request: Request) -> HTTPResponse:
        args = request.args
        if args.get("grant_type") != "client_credential":
            return json({"errcode": 40002, "errmsg": "invalid grant_type"})
        if args.get("appid") != WX_APPID:
            return json({"errcode": 40013, "errmsg": "invalid appid"})
        if args.get("secret") != WX_SECRET:
            return json({"errcode": 40125, "errmsg": "invalid appsecret"})
        state.token_calls += 1
        await asyncio.sleep(0.05)  # a real round trip takes a while; makes races visible
        value = f"ACCESS_TOKEN_{state.token_calls}_" + os.urandom(4).hex()
        state.valid_tokens.add(value)
        return json({"access_token": value, "expires_in": 7200})

    @app.post("/cgi-bin/message/custom/send")
    async def custom_send(request: Request) -> HTTPResponse:
        if request.args.get("access_token") not in state.valid_tokens:
            return json(
                {
                    "errcode": 40001,
                    "errmsg": "invalid credential, access_token is invalid or not latest",
                }
            )
        body = request.json
        if body.get("touser") in state.out_of_window:
            return json({"errcode": 45047, "errmsg": "out of response count limit"})
        state.sent.append(body)
        state.new_message.set()
        return json({"errcode": 0, "errmsg": "ok"})

    @app.post("/cgi-bin/message/template/send")
    async def template_send(request: Request) -> HTTPResponse:
        if request.args.get("access_token") not in state.valid_tokens:
            return json({"errcode": 40001, "errmsg": "invalid credential"})
        body = request.json
        if not body.get("template_id"):
            return json({"errcode": 40037, "errmsg": "invalid template_id"})
        state.templates.append(body)  # templates have no 48-hour window
        return json({"errcode": 0, "errmsg": "ok", "msgid": len(state.templates)})

    return app


@pytest.fixture
async def fake_wechat(serve) -> AsyncIterator[tuple[str, FakeWeChatState]]:  # type: ignore[no-untyped-def]
    state = FakeWeChatState()
    server = await serve(fake_wechat_app(state))
    yield server.url, state


@pytest.fixture
async def hung_server() -> AsyncIterator[str]:
    """A URL whose server accepts connections and never answers (a stuck dependency)."""
    writers: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Debian's headless Chromium driven by Playwright (tests using it are marked browser)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        await b.close()
