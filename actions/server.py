"""``kefu actions``: the rasa-sdk action server, bound to 127.0.0.1 unless configured, and
answering only callers with ``Authorization: Bearer $KEFU_INTERNAL_TOKEN`` (Rasa sends it, set
in ``endpoints.yml``'s ``action_endpoint`` headers); ``/health`` stays open for probes."""

from __future__ import annotations

import hmac
import os
from typing import Any

OPEN_PATHS = frozenset({"/health"})


def token_allowed(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def guarded_app(executor: Any, token: str, **kwargs: Any) -> Any:
    """rasa-sdk's app with the internal-token check in front of every route but /health."""
    from rasa_sdk import endpoint
    from sanic import response

    app = endpoint.create_app_for_serve(executor, **kwargs)

    @app.on_request  # type: ignore[untyped-decorator]
    async def check_token(request: Any) -> Any:
        if request.path in OPEN_PATHS:
            return None
        if not token_allowed(request.headers.get("authorization", ""), token):
            return response.json(
                {"error": {"code": "unauthorized", "message": "invalid internal token"}},
                status=401,
            )
        return None

    return app


def main() -> None:
    from functools import partial

    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic
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
    # Open the knowledge base in the background so the first FAQ question does not wait for
    # the encoder to load.
    import threading

    from actions._services import warm_up

    threading.Thread(target=warm_up, name="kb-warmup", daemon=True).start()
    executor = ActionExecutor()
    executor.register_package("actions")
    # As rasa_sdk.endpoint.run, with the token check and our bind address (rasa-sdk's own
    # default is 0.0.0.0).
    loader = AppLoader(factory=partial(guarded_app, executor, token, cors_origins=None))
    app = loader.load()
    app.prepare(
        host=settings.actions_host,
        port=settings.actions_port,
        workers=utils.number_of_sanic_workers(),
    )
    Sanic.serve(primary=app, app_loader=loader)
