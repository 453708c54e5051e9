"""The staff console: queue, routing, agent console, KB editor (``create_app(settings)``)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from handoff.accounts import Tokens, ensure_admin
from handoff.agents import Agents
from handoff.api import bp as api_bp
from handoff.api import resolve_principal
from handoff.archive import Archiver
from handoff.audit import AuditLog
from handoff.chats import Chats
from handoff.console import bp as console_bp
from handoff.conversation import Conversations
from handoff.login_throttle import LoginThrottle
from handoff.queue import QueueService
from handoff.settings import StaffSettings
from handoff.sla import SlaMonitor
from handoff.staff_api import bp as handoff_bp
from handoff.staff_auth import StaffAuth
from handoff.worker import Worker
from kefu.db import make_async_engine
from kefu.health import health_report, health_status, standard_checks
from kefu.logging import get_logger
from kefu.redis_client import async_client
from kefu.schema import check_schema_async
from kefu.web import install_error_handlers
from knowledge_base.editor import mount as mount_kb_editor

log = get_logger(__name__)


def create_app(settings: StaffSettings, name: str = "kefu-staff") -> Sanic:
    app = Sanic(name, configure_logging=False)  # kefu.logging renders every record
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.OAS_UI_DEFAULT = "swagger"
    app.config.OAS_URL_PREFIX = "/docs"
    app.ext.openapi.describe(
        "kefu staff console",
        version="1",
        description="Agents, queue and handoff, knowledge-base editing, health.",
    )
    app.ext.openapi.add_security_scheme("bearer", "http", scheme="bearer")
    app.ctx.settings = settings
    app.ctx.tokens = Tokens(settings.jwt_secret.get_secret_value(), settings.jwt_ttl_s)
    install_error_handlers(app)
    app.register_middleware(resolve_principal, "request")
    app.blueprint(api_bp)
    mount_kb_editor(app, settings)  # KB editor: /api/v1/kb/..., /kb, app.ctx.kb
    app.blueprint(handoff_bp)
    app.blueprint(console_bp)

    @app.before_server_start
    async def open_connections(app: Sanic) -> None:
        app.ctx.redis = async_client(settings.redis_url, decode_responses=False)
        app.ctx.engine = make_async_engine(settings.database_url)
        app.ctx.http = httpx.AsyncClient(timeout=5.0)
        app.ctx.conversations = Conversations(app.ctx.redis)
        await check_schema_async(app.ctx.engine)  # migrated by `kefu db upgrade`, never here
        app.ctx.staff_auth = StaffAuth(app.ctx.tokens, app.ctx.engine)
        app.ctx.login_throttle = LoginThrottle(app.ctx.redis)
        app.ctx.audit = AuditLog(app.ctx.engine)
        if await ensure_admin(app.ctx.engine, settings.admin_password.get_secret_value()):
            log.info("created the first admin account", username="admin")
        app.ctx.queue = QueueService(app.ctx.redis, settings, app.ctx.engine)
        app.ctx.agents = Agents(app.ctx.redis, app.ctx.queue.conversations)
        app.ctx.archiver = Archiver(app.ctx.queue.conversations, app.ctx.engine)
        app.ctx.sla = SlaMonitor(app.ctx.queue.conversations, app.ctx.engine)
        app.ctx.chats = Chats(
            app.ctx.queue, app.ctx.agents, app.ctx.archiver, settings.max_message_chars
        )
        app.ctx.worker = Worker(
            app.ctx.queue, app.ctx.agents, app.ctx.sla, app.ctx.archiver, settings
        )

    @app.after_server_start
    async def start_background(app: Sanic) -> None:
        app.ctx.background = None
        if settings.background_tasks:
            app.ctx.background = asyncio.get_running_loop().create_task(app.ctx.worker.run())

    @app.before_server_stop
    async def stop_background(app: Sanic) -> None:
        task = getattr(app.ctx, "background", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @app.after_server_stop
    async def close_connections(app: Sanic) -> None:
        await app.ctx.http.aclose()
        await app.ctx.redis.aclose()
        await app.ctx.engine.dispose()

    @app.get("/health")
    @openapi.summary("Readiness: 200 when every part can serve, else 503 naming what is missing")
    async def health(request: Request) -> HTTPResponse:
        ctx = request.app.ctx
        checks = standard_checks(
            ctx.redis, ctx.engine, ctx.http, settings.rasa_url, settings.action_server_url
        )
        report = await health_report("staff_console", checks)
        return json(report, status=health_status(report), ensure_ascii=False)

    return app


def main() -> None:
    """``kefu staff``: serve the staff console with settings from the environment."""
    from kefu.logging import configure_logging
    from kefu.web import check_port_free

    settings = StaffSettings()
    configure_logging("staff", settings.log_level, settings.log_format)
    check_port_free(settings.staff_host, settings.staff_port, "KEFU_STAFF_PORT")
    app = create_app(settings)
    app.run(
        host=settings.staff_host,
        port=settings.staff_port,
        single_process=True,
        access_log=False,
        motd=False,
    )
