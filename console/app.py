"""The staff console: queue, routing, agent console, KB editor (``create_app(settings)``)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
from sanic import Request, Sanic

from console.agent_socket import bp as agent_socket_bp
from console.api import bp as api_bp
from console.api import principal, resolve_principal
from console.board_api import bp as board_bp
from console.chats import Chats
from console.conversations_api import bp as conversations_bp
from console.customer_panel import bp as customer_panel_bp
from console.customers import bp as customers_bp
from console.followups_api import bp as followups_bp
from console.handoffs_internal import bp as handoffs_internal_bp
from console.login_throttle import LoginThrottle
from console.page import bp as console_bp
from console.qa_admin_api import bp as qa_admin_bp
from console.qa_api import bp as qa_bp
from console.reports_api import bp as reports_bp
from console.reveal import bp as reveal_bp
from console.scripts_api import bp as scripts_bp
from console.settings import StaffSettings
from console.staff_api import bp as handoff_bp
from console.staff_auth import StaffAuth
from console.switches_api import bp as switches_bp
from console.tickets_api import bp as tickets_bp
from console.tickets_internal import bp as tickets_internal_bp
from console.worker import Worker
from handoff.accounts import Tokens, ensure_admin
from handoff.agents import Agents
from handoff.archive import Archiver
from handoff.audit import AuditLog
from handoff.board import Board
from handoff.conversation import Conversations
from handoff.outage import Outage
from handoff.qa_checks import QaChecks
from handoff.qa_sampling import QaDuties
from handoff.queue import QueueService
from handoff.rollups import Rollups
from handoff.scripts import Scripts
from handoff.sla import SlaMonitor
from handoff.ticket_clock import TicketDuties
from handoff.wakeups import WakeHub, blocking_client
from kefu.api_docs import install_api_docs
from kefu.client_ip import parse_trusted_proxies
from kefu.db import make_async_engine
from kefu.health import install_health_route
from kefu.logging import get_logger
from kefu.redis_client import async_client
from kefu.schema import check_schema_async
from kefu.web import install_error_handlers, install_path_decoding
from knowledge_base.editor import mount as mount_kb_editor
from knowledge_base.editor_preview import Preview, PreviewUnavailable

log = get_logger(__name__)


def authorise_staff(request: Request, role: str) -> str:
    """The knowledge-base editor's guard: the console's token check, then the role."""
    who = principal(request)
    who.require(role)
    return who.username


def kb_preview(app: Sanic) -> Preview:
    """The editor's preview asks the action server's decision step (``GET /kb/decide``, the
    internal token): what the bot would really answer, on the knowledge base it searches."""

    async def ask(query: str, lang: str | None) -> dict[str, Any]:
        settings = app.ctx.settings
        params = {"q": query, **({"lang": lang} if lang else {})}
        try:
            reply = await app.ctx.http.get(
                settings.action_server_url.rstrip("/") + "/kb/decide",
                params=params,
                headers={"Authorization": f"Bearer {settings.internal_token.get_secret_value()}"},
                timeout=10.0,
            )
        except httpx.HTTPError as exc:
            raise PreviewUnavailable(f"the action server did not answer: {exc!r}") from None
        if reply.status_code != 200:
            raise PreviewUnavailable(f"the action server answered {reply.status_code}")
        return dict(reply.json())

    return ask


def create_app(settings: StaffSettings, name: str = "kefu-staff") -> Sanic:
    app = Sanic(name, configure_logging=False)  # kefu.logging renders every record
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    app.config.FALLBACK_ERROR_FORMAT = "json"
    install_api_docs(
        app, "kefu staff console", "Agents, queue and handoff, knowledge-base editing, health."
    )
    app.ctx.settings = settings
    app.ctx.trusted_proxies = parse_trusted_proxies(settings.trusted_proxies)
    app.ctx.tokens = Tokens(settings.jwt_secret.get_secret_value(), settings.jwt_ttl_s)
    install_error_handlers(app)
    install_path_decoding(app)
    app.register_middleware(resolve_principal, "request")
    app.blueprint(api_bp)
    # KB editor: /api/v1/kb/..., /kb, app.ctx.kb; its preview asks the bot's decision step
    mount_kb_editor(app, settings, authorise_staff, kb_preview(app))
    app.blueprint(handoffs_internal_bp)
    app.blueprint(handoff_bp)
    app.blueprint(conversations_bp)
    app.blueprint(board_bp)
    app.blueprint(switches_bp)
    app.blueprint(reports_bp)
    app.blueprint(qa_bp)
    app.blueprint(qa_admin_bp)
    app.blueprint(tickets_bp)
    app.blueprint(followups_bp)
    app.blueprint(tickets_internal_bp)
    app.blueprint(console_bp)
    app.blueprint(agent_socket_bp)
    app.blueprint(customers_bp)
    app.blueprint(reveal_bp)
    app.blueprint(scripts_bp)
    app.blueprint(customer_panel_bp)

    @app.before_server_start
    async def open_connections(app: Sanic) -> None:
        app.ctx.redis = async_client(
            settings.redis_url,
            decode_responses=False,
            bounded=settings.redis_max_connections,
            client_name=app.name,  # CLIENT LIST tells whose connections these are
        )
        app.ctx.blocking_redis = blocking_client(settings.redis_url, app.name)
        app.ctx.wakeups = WakeHub(app.ctx.blocking_redis)
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
        app.ctx.agents = Agents(app.ctx.redis, app.ctx.queue.conversations, app.ctx.audit)
        app.ctx.archiver = Archiver(
            app.ctx.queue.conversations,
            app.ctx.engine,
            retention_s=settings.retention_s,
            after_archive=QaChecks(app.ctx.engine, app.ctx.queue.first_response_target),
        )
        app.ctx.outage = Outage(app.ctx.redis, app.ctx.queue.conversations)
        app.ctx.board = Board(app.ctx.queue, app.ctx.engine)
        app.ctx.scripts = Scripts(app.ctx.engine)
        app.ctx.sla = SlaMonitor(app.ctx.queue.conversations, app.ctx.engine)
        app.ctx.chats = Chats(
            app.ctx.queue, app.ctx.agents, app.ctx.archiver, settings.max_message_chars
        )
        app.ctx.worker = Worker(
            app.ctx.queue,
            app.ctx.agents,
            app.ctx.sla,
            app.ctx.archiver,
            settings,
            TicketDuties(app.ctx.engine, app.ctx.queue.conversations, settings.timezone),
            Rollups(app.ctx.engine, settings.timezone),
            QaDuties(app.ctx.engine, settings.timezone),
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
        await app.ctx.wakeups.close()
        await app.ctx.redis.aclose()
        await app.ctx.blocking_redis.aclose()
        await app.ctx.engine.dispose()

    install_health_route(app, "staff_console", settings.rasa_url, settings.action_server_url)

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
