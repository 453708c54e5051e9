"""The knowledge-base editor's HTTP API in the staff console: ``/api/v1/kb/...`` (editor role),
and ``mount``, which adds it, its page (``knowledge_base.editor_page``) and its preview to a
Sanic app. Its services (``knowledge_base.editor_services.KbEditor``) live on ``app.ctx.kb``
(``KbEditor.open(settings)`` at start-up, ``close()`` at shutdown)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import redis as sync_redis
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from kefu.bodies import body_doc, parse_body, response_doc
from kefu.config import CommonSettings
from kefu.errors import ApiError
from kefu.redis_client import as_text
from knowledge_base.editor_bodies import FaqChange, FaqOut, NewFaq, Publish, VersionOut
from knowledge_base.editor_preview import Preview
from knowledge_base.editor_services import KbEditor
from knowledge_base.faq_input import StoreError
from knowledge_base.live import BUILD_ERRORS_KEY, LiveSearcher

bp = Blueprint("kb_editor")
STATUS = {"not_found": 404, "duplicate_id": 409, "conflict": 409, "too_large": 413}


# Who may edit is the host application's business: it hands ``mount`` a function that checks
# the request's caller for a role (raising its 401/403) and returns the caller's name.
Authorise = Callable[[Request, str], str]


def _kb(request: Request) -> KbEditor:
    request.app.ctx.kb_authorise(request, "editor")
    return request.app.ctx.kb  # type: ignore[no-any-return]


def _who(request: Request) -> str:
    return str(request.app.ctx.kb_authorise(request, "editor"))


def _known_version(version: int) -> None:
    """404 for a version number no database can hold (SQL integers are 64-bit at most)."""
    if not 0 < version < 2**31:
        raise ApiError(404, "unknown_version", f"no version {version}")


async def _audit(request: Request, action: str, target: str, **details: Any) -> None:
    """Record in the audit log the host app injects as ``app.ctx.audit`` (if it has one)."""
    audit = getattr(request.app.ctx, "audit", None)
    if audit is not None:
        await audit.record(_who(request), action, target, **details)


async def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except StoreError as exc:
        raise ApiError(STATUS.get(exc.code, 400), exc.code, exc.message) from None


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ApiError(400, "bad_request", f"{name} must be a whole number") from None
    if not low <= number <= high:
        raise ApiError(400, "bad_request", f"{name} must be between {low} and {high}")
    return number


def _reply(data: Any, status: int = 200) -> HTTPResponse:
    return json(data, status=status, ensure_ascii=False)


@bp.get("/api/v1/kb/faqs")
@openapi.summary("List FAQs of the working copy (editor)")
async def list_faqs(request: Request) -> HTTPResponse:
    kb = _kb(request)
    status = request.args.get("status") or None
    if status not in (None, "draft", "published", "archived"):
        raise ApiError(400, "bad_request", "status must be draft, published or archived")
    faqs = await _call(
        kb.store.list_faqs,
        status=status,
        query=(request.args.get("q") or "")[:200] or None,
        limit=_int(request, "limit", 200, 1, 1000),
        offset=_int(request, "offset", 0, 0, 10**7),
    )
    return _reply({"faqs": faqs})


@bp.post("/api/v1/kb/faqs")
@openapi.summary("Create an FAQ (as a draft)")
@body_doc(NewFaq)
@response_doc(FaqOut, 201, "Created")
async def create_faq(request: Request) -> HTTPResponse:
    kb = _kb(request)
    faq = parse_body(request, NewFaq).model_dump()
    return _reply(await _call(kb.store.create, faq, author=_who(request)), 201)


@bp.get("/api/v1/kb/faqs/<faq_id:str>")
@openapi.summary("One FAQ")
@response_doc(FaqOut)
async def get_faq(request: Request, faq_id: str) -> HTTPResponse:
    kb = _kb(request)
    return _reply(await _call(kb.store.get, faq_id))


@bp.put("/api/v1/kb/faqs/<faq_id:str>")
@openapi.summary("Change an FAQ (it becomes a draft until the next publish)")
@body_doc(FaqChange)
@response_doc(FaqOut)
async def update_faq(request: Request, faq_id: str) -> HTTPResponse:
    kb = _kb(request)
    changes = parse_body(request, FaqChange).changes()
    return _reply(await _call(kb.store.update, faq_id, changes, author=_who(request)))


@bp.delete("/api/v1/kb/faqs/<faq_id:str>")
@openapi.summary("Archive an FAQ (gone from the next published version)")
async def delete_faq(request: Request, faq_id: str) -> HTTPResponse:
    kb = _kb(request)
    await _call(kb.store.archive, faq_id, author=_who(request))
    return _reply({"id": faq_id, "status": "archived"})


@bp.post("/api/v1/kb/import")
@openapi.summary("Import FAQs: multipart field 'file', or the raw file with ?format=")
async def import_faqs(request: Request) -> HTTPResponse:
    from knowledge_base.files import guess_format, parse_faqs

    kb = _kb(request)
    upload = request.files.get("file") if request.files else None
    if upload is not None:
        data, fmt_source = upload.body, upload.name or ""
    else:
        data, fmt_source = request.body, "x." + (request.args.get("format") or "")
    if not data:
        raise ApiError(400, "bad_request", "send the file as multipart 'file' or as the body")
    try:
        fmt = guess_format(fmt_source)
    except StoreError as exc:
        raise ApiError(400, exc.code, exc.message) from None
    faqs, report = await _call(parse_faqs, data, fmt)
    report.imported = await _call(kb.store.upsert_many, faqs, author=_who(request)) if faqs else 0
    return _reply(report.to_json(), 200 if report.imported or not report.errors else 400)


@bp.post("/api/v1/kb/publish")
@openapi.summary("Publish the working copy as a new version; every searcher swaps to it")
@body_doc(Publish)
@response_doc(VersionOut, 201, "Published")
async def publish(request: Request) -> HTTPResponse:
    kb = _kb(request)
    body = parse_body(request, Publish, optional=True)
    info = await _call(kb.store.publish, author=_who(request), note=body.note)
    await asyncio.to_thread(kb.announce, info["version"])
    await _audit(request, "kb_published", f"version:{info['version']}")
    return _reply(info, 201)


def _ready_searcher(kb: KbEditor, timeout_s: float = 30.0) -> LiveSearcher:
    """The editor's searcher with its index built (the first search opens it): an answer from
    an index still being built would say "not found" for questions the bot can answer."""
    searcher = kb.searcher
    if not searcher.wait_ready(timeout_s):
        raise ApiError(503, "not_ready", "the knowledge base's index is still being built")
    return searcher


@bp.get("/api/v1/kb/search")
@openapi.summary("Search the live knowledge: what the bot would answer")
async def search(request: Request) -> HTTPResponse:
    kb = _kb(request)
    query = request.args.get("q") or ""
    if not query.strip():
        raise ApiError(400, "bad_request", "q is required")
    if len(query) > 10_000:
        raise ApiError(400, "bad_request", "q is longer than 10,000 characters")
    k = _int(request, "k", 5, 1, 50)
    lang = request.args.get("lang") or None
    searcher = await asyncio.to_thread(_ready_searcher, kb)
    hits = await asyncio.to_thread(searcher.search, query, lang, k)
    t = searcher.thresholds
    top = hits[0].score if hits else 0.0
    decision = "answer" if top >= t.confident else "choose" if top >= t.choose else "not_found"
    return _reply(
        {
            "version": searcher.version,
            "thresholds": {"confident": t.confident, "choose": t.choose},
            "decision": decision,
            "hits": [
                {"faq_id": h.faq_id, "question": h.question, "answer": h.answer, "score": h.score}
                for h in hits
            ],
        }
    )


@bp.get("/api/v1/kb/versions")
@openapi.summary("Published versions, newest first, and the live searcher's state")
async def versions(request: Request) -> HTTPResponse:
    kb = _kb(request)
    items = await _call(kb.store.versions)
    searcher = await asyncio.to_thread(lambda: kb.searcher)
    errors = await asyncio.to_thread(_build_errors, kb)
    return _reply(
        {
            "versions": items,
            "serving": searcher.version,
            "last_error": searcher.last_error,
            "build_errors": errors,
        }
    )


def _build_errors(kb: KbEditor) -> dict[str, str]:
    try:
        raw_errors = kb.redis.hgetall(BUILD_ERRORS_KEY)
    except sync_redis.RedisError:
        return {}
    return {as_text(k): as_text(v) for k, v in raw_errors.items()}


@bp.post("/api/v1/kb/versions/<version:int>/rollback")
@openapi.summary("Publish the content of an older version again, as a new version")
@response_doc(VersionOut, 201, "Published")
async def rollback(request: Request, version: int) -> HTTPResponse:
    kb = _kb(request)
    _known_version(version)
    info = await _call(kb.store.rollback, version, author=_who(request))
    await asyncio.to_thread(kb.announce, info["version"])
    await _audit(request, "kb_rolled_back", f"version:{info['version']}", from_version=version)
    return _reply(info, 201)


@bp.get("/api/v1/kb/versions/<version:int>/diff")
@openapi.summary("What changed from ?against= (default: the previous version) to this one")
async def diff(request: Request, version: int) -> HTTPResponse:
    kb = _kb(request)
    _known_version(version)
    against = _int(request, "against", max(version - 1, 0), 0, 10**9)
    if against == 0:
        raise ApiError(400, "bad_request", "version 1 has no previous version; give ?against=")
    return _reply(await _call(kb.store.diff, against, version))


@bp.get("/api/v1/kb/unanswered")
@openapi.summary("Unanswered questions (low scores, bot fallbacks), grouped by similarity")
async def unanswered(request: Request) -> HTTPResponse:
    from knowledge_base.unanswered import group_unanswered

    kb = _kb(request)
    try:
        groups = await asyncio.to_thread(lambda: group_unanswered(kb.redis, kb.searcher.encoder))
    except sync_redis.RedisError as exc:
        raise ApiError(
            503, "redis_unavailable", f"cannot read unanswered questions: {exc}"
        ) from None
    return _reply({"groups": groups[: _int(request, "limit", 100, 1, 1000)]})


def mount(
    app: Any, settings: CommonSettings, authorise: Authorise, preview: Preview | None = None
) -> None:
    """Add the editor to a Sanic app (the staff console): routes, page, and its services on
    ``app.ctx.kb``, opened before the server starts and closed after it stops. ``authorise``
    guards every editor route (see ``Authorise``); ``preview`` asks the bot's decision step
    (``knowledge_base.editor_preview``; without it the preview answers 503)."""
    from knowledge_base.editor_page import bp as page_bp
    from knowledge_base.editor_preview import bp as preview_bp

    app.ctx.kb_authorise = authorise
    app.ctx.kb_preview = preview
    app.blueprint(bp)
    app.blueprint(preview_bp)
    app.blueprint(page_bp)

    @app.before_server_start  # type: ignore[untyped-decorator]
    async def open_kb(app: Any) -> None:
        app.ctx.kb = await asyncio.to_thread(KbEditor.open, settings)

    @app.after_server_stop  # type: ignore[untyped-decorator]
    async def close_kb(app: Any) -> None:
        kb = getattr(app.ctx, "kb", None)
        if kb is not None:
            await asyncio.to_thread(kb.close)
