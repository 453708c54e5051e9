"""The web channel's pages: the chat page at ``/``, the embeddable widget ``/widget.js`` and
their assets (the chat socket itself is ``bot.channels.web``)."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

bp = Blueprint("web_pages")

STATIC = Path(__file__).resolve().parent.parent / "web"
ASSETS = {
    "chat.js": "application/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
}
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors *; base-uri 'none'; form-action 'none'"
)


def _file(name: str) -> bytes:
    return (STATIC / name).read_bytes()


@bp.get("/")
async def chat_page(_request: Request) -> HTTPResponse:
    return raw(
        _file("chat.html"),
        content_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": PAGE_CSP,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


@bp.get("/widget.js")
async def widget(_request: Request) -> HTTPResponse:
    return raw(
        _file("widget.js"),
        content_type="application/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


@bp.get("/static/<name:str>")
async def asset(_request: Request, name: str) -> HTTPResponse:
    kind = ASSETS.get(name)
    if kind is None:
        from kefu.errors import ApiError

        raise ApiError(404, "not_found", "no such file")
    return raw(
        _file(name),
        content_type=kind,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
