"""The knowledge-base editor's page ``/kb`` and its script and style sheet, served with headers
that keep other sites from framing it. Its data comes from the ``/api/v1/kb`` routes
(``knowledge_base.editor``), which check the editor role; the page itself is static."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, html, raw
from sanic_ext import openapi

from kefu.errors import ApiError

bp = Blueprint("kb_editor_page")
STATIC = Path(__file__).parent / "static"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'",  # no other page may frame the editor
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@bp.get("/kb")
@openapi.summary("The knowledge-base editor page")
async def editor_page(_request: Request) -> HTTPResponse:
    return html((STATIC / "editor.html").read_text(encoding="utf-8"), headers=PAGE_HEADERS)


@bp.get("/kb/<name:str>")
@openapi.exclude()
async def editor_asset(_request: Request, name: str) -> HTTPResponse:
    types = {
        "editor.js": "application/javascript; charset=utf-8",
        "editor.css": "text/css; charset=utf-8",
    }
    if name not in types:
        raise ApiError(404, "not_found", "no such file")
    return raw((STATIC / name).read_bytes(), content_type=types[name], headers=PAGE_HEADERS)
