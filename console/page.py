"""The staff console's pages: the agent console, the live board, the reports page and their
static assets (plain HTML + JS, each page with its text catalogue filled in), served with headers
that keep other sites from framing them. The console's WebSocket is ``console.agent_socket``."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, html, raw, redirect
from sanic_ext import openapi

from console import console_text, panel_text
from console.board_text import catalogue_json
from console.qa_text import qa_catalogue_json
from console.scripts_text import scripts_catalogue_json
from kefu.errors import ApiError

bp = Blueprint("agent_console")
STATIC = Path(__file__).parent / "static"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",  # no other page may frame the console (clickjacking)
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@bp.get("/")
@openapi.exclude()
async def root(_request: Request) -> HTTPResponse:
    return redirect("/console")


@bp.get("/console")
@openapi.summary("The agent console page")
async def console_page(_request: Request) -> HTTPResponse:
    body = (STATIC / "console.html").read_text(encoding="utf-8")
    body = body.replace("__CONSOLE_CATALOGUE__", console_text.catalogue_json())
    body = body.replace("__PANEL_CATALOGUE__", panel_text.catalogue_json())
    return html(body, headers=PAGE_HEADERS)


@bp.get("/board")
@openapi.summary("The live board page (team leads, supervisors, admins)")
async def board_page(_request: Request) -> HTTPResponse:
    body = (STATIC / "board.html").read_text(encoding="utf-8")
    return html(body.replace("__CATALOGUE__", catalogue_json()), headers=PAGE_HEADERS)


@bp.get("/reports")
@openapi.summary("The service report page (team leads, supervisors)")
async def reports_page(_request: Request) -> HTTPResponse:
    body = (STATIC / "reports.html").read_text(encoding="utf-8")
    return html(body.replace("__CATALOGUE__", catalogue_json()), headers=PAGE_HEADERS)


@bp.get("/console/<name:str>")
@openapi.exclude()
async def console_asset(_request: Request, name: str) -> HTTPResponse:
    types = {
        "console.js": "application/javascript; charset=utf-8",
        "customer_panel.js": "application/javascript; charset=utf-8",
        "console.css": "text/css; charset=utf-8",
        "board.js": "application/javascript; charset=utf-8",
        "reports.js": "application/javascript; charset=utf-8",
        "tickets.html": "text/html; charset=utf-8",  # the ticket page
        "tickets.js": "application/javascript; charset=utf-8",
        "canned_picker.js": "application/javascript; charset=utf-8",
        "scripts.html": "text/html; charset=utf-8",  # the scripts library (话术库) editor
        "scripts.js": "application/javascript; charset=utf-8",
        "qa.html": "text/html; charset=utf-8",  # the quality-inspection page (质检)
        "qa.js": "application/javascript; charset=utf-8",
    }
    if name not in types:
        raise ApiError(404, "not_found", "no such file")
    if name == "scripts.html":
        body = (STATIC / name).read_text(encoding="utf-8")
        return html(body.replace("__CATALOGUE__", scripts_catalogue_json()), headers=PAGE_HEADERS)
    if name == "qa.html":
        body = (STATIC / name).read_text(encoding="utf-8")
        return html(body.replace("__CATALOGUE__", qa_catalogue_json()), headers=PAGE_HEADERS)
    return raw((STATIC / name).read_bytes(), content_type=types[name], headers=PAGE_HEADERS)
