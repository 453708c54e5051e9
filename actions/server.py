"""``kefu actions``: the rasa-sdk action server, bound to 127.0.0.1 unless configured, and
answering only callers with ``Authorization: Bearer $KEFU_INTERNAL_TOKEN`` (Rasa sends it, set
in ``endpoints.yml``'s ``action_endpoint`` headers); ``/health`` stays open for probes.

The knowledge base is opened once the server has started, in the process that serves (with
several Sanic workers, in each worker — not in the process that launches them). ``/health``
answers 503 until the knowledge base's index is built, naming what is missing; rasa-sdk defines
that route itself, so a request middleware answers it first.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import threading
from functools import partial
from typing import Any

from sanic import HTTPResponse, Request, Sanic, json

from actions._services import get_services, warm_up
from actions._turn_reads import begin_call

OPEN_PATHS = frozenset({"/health"})


def token_allowed(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def readiness() -> tuple[dict[str, Any], int]:
    missing = [m for m in (get_services().knowledge_base_missing(),) if m]
    report = {
        "service": "action_server",
        "status": "starting" if missing else "ok",
        "ready": not missing,
        "missing": missing,
    }
    return report, 503 if missing else 200


async def search_answer(request: Request) -> HTTPResponse:
    query = (request.args.get("q") or "").strip()[:2000]
    raw_k = request.args.get("k") or "3"
    if not query or not raw_k.isdigit() or not 1 <= int(raw_k) <= 10:
        return json({"error": {"code": "bad_request", "message": "q and k (1-10) needed"}}, 400)
    services = get_services()
    missing = services.knowledge_base_missing()
    if missing:
        return json({"error": {"code": "not_ready", "message": missing}}, status=503)
    lang = request.args.get("lang") or None
    hits = await asyncio.to_thread(services.searcher.search, query, lang, int(raw_k))
    return json(
        {
            "hits": [
                {"faq_id": h.faq_id, "question": h.question, "answer": h.answer, "score": h.score}
                for h in hits
            ]
        }
    )


async def decide_answer(request: Request) -> HTTPResponse:
    """``GET /kb/decide?q=&lang=``: what the bot would answer (``actions._preview``)."""
    from actions._preview import preview
    from kefu.i18n import detect_lang, normalise_lang

    query = (request.args.get("q") or "").strip()
    if not query or len(query) > 2000:
        return json({"error": {"code": "bad_request", "message": "q (1-2000 chars) needed"}}, 400)
    services = get_services()
    missing = services.knowledge_base_missing()
    if missing:
        return json({"error": {"code": "not_ready", "message": missing}}, status=503)
    lang = normalise_lang(request.args.get("lang")) or detect_lang(query)
    body = await preview(services, query, lang)
    body["version"] = getattr(services.searcher, "version", None)
    return json(body, ensure_ascii=False)


def create_app(executor: Any, token: str) -> Sanic:
    """rasa-sdk's app with readiness and the internal-token check in front of every route but
    /health; a module-level factory, as Sanic's AppLoader needs."""
    from rasa_sdk import endpoint

    app: Sanic = endpoint.create_app_for_serve(executor, cors_origins=None)

    @app.on_request
    async def health_and_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            report, status = readiness()
            return json(report, status=status)
        if not token_allowed(request.headers.get("authorization", ""), token):
            return json(
                {"error": {"code": "unauthorized", "message": "invalid internal token"}},
                status=401,
            )
        begin_call()  # the shop's reads are remembered for this call (actions._turn_reads)
        return None

    @app.get("/kb/search")
    async def kb_search(request: Request) -> HTTPResponse:
        """The live knowledge base's top hits for ``q`` (the staff console's suggested answers
        and search: it asks here rather than loading the sentence encoder itself)."""
        return await search_answer(request)

    @app.get("/kb/decide")
    async def kb_decide(request: Request) -> HTTPResponse:
        """What the bot would answer to ``q``, through its own decision step (the knowledge-base
        editor's preview asks here, so it shows what a customer would really get)."""
        return await decide_answer(request)

    @app.after_server_start
    async def open_knowledge_base(_app: Sanic) -> None:
        # In the background: the first FAQ question does not wait for the encoder to load.
        threading.Thread(target=warm_up, name="kb-warmup", daemon=True).start()

    return app


def main() -> None:
    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor
    from sanic.worker.loader import AppLoader

    from actions.settings import ActionSettings
    from kefu.logging import configure_logging
    from kefu.web import check_port_free

    settings = ActionSettings()
    configure_logging("actions", settings.log_level, settings.log_format)
    token = settings.internal_token.get_secret_value()
    if not token:
        raise SystemExit("kefu actions: KEFU_INTERNAL_TOKEN is not set (see .env)")
    check_port_free(settings.actions_host, settings.actions_port, "KEFU_ACTIONS_PORT")
    os.environ.setdefault("ACTION_SERVER_SANIC_WORKERS", "1")
    executor = ActionExecutor()
    executor.register_package("actions")
    workers = utils.number_of_sanic_workers()
    if workers == 1:
        # One process, as the gateway and the staff console run: a crash or a kill takes the
        # whole server down, so a supervisor restarts it cleanly (no orphaned worker left on
        # the port).
        app = create_app(executor, token)
        app.prepare(host=settings.actions_host, port=settings.actions_port, single_process=True)
        Sanic.serve_single(app)
        return
    # As rasa_sdk.endpoint.run does, with our factory and bind address (rasa-sdk's own default
    # is 0.0.0.0).
    loader = AppLoader(factory=partial(create_app, executor, token))
    app = loader.load()
    app.prepare(host=settings.actions_host, port=settings.actions_port, workers=workers)
    Sanic.serve(primary=app, app_loader=loader)
