"""The editor's preview, ``GET /api/v1/kb/preview?q=&lang=`` (editor role): what the bot would
really answer, through the bot's own decision step. The decision step lives in the action
server (it holds the knowledge base the bot searches), so the host application injects how to
ask it (``Preview``; the staff console asks ``GET /kb/decide`` over the internal token); the
editor only checks the caller and the input and passes the answer on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from kefu.errors import ApiError

__all__ = ["MAX_QUERY", "Preview", "PreviewUnavailable", "bp"]

bp = Blueprint("kb_editor_preview")
MAX_QUERY = 2000  # as the action server accepts

# (query, lang or None) → the action server's answer (see actions/_preview.py)
Preview = Callable[[str, str | None], Awaitable[dict[str, Any]]]


class PreviewUnavailable(Exception):
    """The bot's decision step could not be asked (action server down or still starting)."""


@bp.get("/api/v1/kb/preview")
@openapi.summary("Preview: what the bot would answer, through its own decision step")
@openapi.description(
    "Asks the action server's decision step (the one every customer message goes through) "
    "with the live knowledge base. `as_question`: answer | likely | choose | not_found when the "
    "NLU reads the message as a question; `as_request`: answer | flow when it reads it as an order "
    "request; `replies`: what the customer reads; `hits`: the knowledge base's best FAQs. "
    "503 `preview_unavailable` when the action server cannot be asked."
)
async def preview(request: Request) -> HTTPResponse:
    request.app.ctx.kb_authorise(request, "editor")
    query = (request.args.get("q") or "").strip()
    if not query:
        raise ApiError(400, "bad_request", "q is required")
    if len(query) > MAX_QUERY:
        raise ApiError(400, "bad_request", f"q is longer than {MAX_QUERY:,} characters")
    lang = request.args.get("lang") or None
    if lang not in (None, "zh", "zh-Hant", "en"):
        raise ApiError(400, "bad_request", "lang must be zh, zh-Hant or en")
    ask: Preview | None = getattr(request.app.ctx, "kb_preview", None)
    if ask is None:
        raise ApiError(503, "preview_unavailable", "this server cannot ask the bot")
    try:
        body = await ask(query, lang)
    except PreviewUnavailable as exc:
        raise ApiError(503, "preview_unavailable", str(exc)) from None
    return json(body, ensure_ascii=False)
