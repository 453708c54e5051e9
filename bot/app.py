"""The gateway: the only server customers reach (``create_app(settings)``)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import httpx
from redis.asyncio import Redis
from sanic import Sanic

from bot.channels.rest import bp as rest_bp
from bot.channels.web import bp as web_bp
from bot.channels.web_pages import bp as web_pages_bp
from bot.channels.wechat import bp as wechat_bp
from bot.rasa_client import RasaClient, rasa_http_client
from bot.routing import Router
from bot.settings import GatewaySettings
from bot.wechat import MessageCrypto, WeChatApi, WeChatOutbox
from bot.ws_limits import WsLimits
from handoff.archive import Archiver
from handoff.conversation import Conversations
from handoff.endings import Endings
from handoff.outage import Outage
from handoff.qa_checks import QaChecks
from handoff.ticket_log import mark_unreachable
from handoff.wakeups import WakeHub, blocking_client
from kefu.api_docs import install_api_docs
from kefu.db import make_async_engine
from kefu.health import install_health_route
from kefu.logging import get_logger
from kefu.ratelimit import RateLimiter
from kefu.redis_client import async_client
from kefu.web import install_error_handlers, install_path_decoding

log = get_logger(__name__)


def create_app(settings: GatewaySettings, name: str = "kefu-gateway") -> Sanic:
    app = Sanic(name, configure_logging=False)  # kefu.logging renders every record
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    # Frames up to 4x the limit get an error frame; bigger ones close the connection (1009).
    app.config.WEBSOCKET_MAX_SIZE = settings.ws_max_frame_bytes * 4
    app.config.FALLBACK_ERROR_FORMAT = "json"
    install_api_docs(
        app, "kefu gateway", "Customer-facing API of kefu: REST channel, events, health."
    )
    app.ctx.settings = settings
    install_error_handlers(app)
    install_path_decoding(app)
    app.blueprint(rest_bp)
    app.blueprint(wechat_bp)
    app.blueprint(web_bp)
    app.blueprint(web_pages_bp)

    @app.before_server_start
    async def open_connections(app: Sanic) -> None:
        # Commands share one bounded pool; waiting for events takes at most PARTITIONS + 1
        # more (handoff.wakeups' readers and the WeChat outbox), whatever the number of
        # sockets and long polls.
        app.ctx.redis = async_client(
            settings.redis_url,
            decode_responses=False,
            bounded=settings.redis_max_connections,
            client_name=app.name,  # CLIENT LIST tells whose connections these are
        )
        app.ctx.engine = make_async_engine(settings.database_url)
        app.ctx.http = httpx.AsyncClient(timeout=httpx.Timeout(settings.rasa_timeout_s))
        app.ctx.conversations = Conversations(app.ctx.redis)
        app.ctx.blocking_redis = blocking_client(settings.redis_url, app.name)
        app.ctx.wakeups = WakeHub(app.ctx.blocking_redis)
        app.ctx.ws_open = 0
        app.ctx.long_polls = 0
        app.ctx.rasa_http = rasa_http_client(
            settings.rasa_max_in_flight, settings.rasa_timeout_s, len(settings.rasa_urls)
        )
        app.ctx.rasa = RasaClient(
            settings.rasa_urls,
            app.ctx.rasa_http,
            max_in_flight=settings.rasa_max_in_flight,
            timeout_s=settings.rasa_timeout_s,
            token=settings.internal_token.get_secret_value(),
        )
        app.ctx.rate_limiter = RateLimiter(app.ctx.redis)
        app.ctx.ws_limits = WsLimits(app.ctx.redis, settings)
        app.ctx.queue = _queue_service(app.ctx.redis, settings, app.ctx.engine)
        app.ctx.archiver = Archiver(
            app.ctx.conversations,
            app.ctx.engine,
            retention_s=settings.retention_s,
            after_archive=QaChecks(app.ctx.engine, app.ctx.queue.first_response_target),
        )
        app.ctx.endings = Endings(app.ctx.conversations, app.ctx.archiver)
        app.ctx.router = Router(
            app.ctx.conversations,
            app.ctx.rasa,
            app.ctx.queue,
            outage=Outage(app.ctx.redis, app.ctx.conversations),
            endings=app.ctx.endings,
        )
        app.ctx.background = set()
        _open_wechat(app, settings)

    @app.after_server_start
    async def start_workers(app: Sanic) -> None:
        app.ctx.workers = []
        app.ctx.workers.append(asyncio.create_task(app.ctx.ws_limits.sockets.run()))
        if app.ctx.wechat_outbox is not None:
            app.ctx.workers.append(asyncio.create_task(app.ctx.wechat_outbox.run()))

    @app.before_server_stop
    async def stop_workers(app: Sanic) -> None:
        for task in app.ctx.workers:
            task.cancel()
        # Turns under way (a web chat whose socket went, a WeChat reply) may finish: at most
        # one Rasa round trip more. What is still running then is cancelled and awaited, so
        # nothing uses the connections that close after the server stops.
        pending = [*app.ctx.workers, *app.ctx.background]
        if pending:
            _, late = await asyncio.wait(pending, timeout=settings.rasa_timeout_s + 2)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=5)

    @app.after_server_stop
    async def close_connections(app: Sanic) -> None:
        await app.ctx.http.aclose()
        await app.ctx.rasa_http.close()
        await app.ctx.wakeups.close()
        await app.ctx.redis.aclose()
        await app.ctx.blocking_redis.aclose()
        await app.ctx.engine.dispose()

    install_health_route(app, "gateway", settings.rasa_url, settings.action_server_url)

    return app


def _queue_service(redis: Redis, settings: GatewaySettings, engine: Any) -> Any:
    """handoff's QueueService (queue position and ETA, leaving a message), or None when the
    installed handoff package has none — the gateway then routes without queue figures."""
    import handoff

    factory: Any = getattr(handoff, "QueueService", None)
    if factory is None:
        try:
            from handoff.queue import QueueService as factory
        except ImportError:
            return None
    try:
        return factory(redis, settings, engine)
    except Exception as exc:
        log.warning("queue service unavailable", error=repr(exc))
        return None


def _open_wechat(app: Sanic, settings: GatewaySettings) -> None:
    aes = settings.wechat_aes_key.get_secret_value()
    token = settings.wechat_token.get_secret_value()
    app.ctx.wechat_crypto = (
        MessageCrypto(token, aes, settings.wechat_appid) if aes and token else None
    )
    app.ctx.wechat_outbox = None
    if settings.wechat_appid and settings.wechat_secret.get_secret_value():
        api = WeChatApi(
            app.ctx.redis,
            app.ctx.http,
            settings.wechat_api_base,
            settings.wechat_appid,
            settings.wechat_secret.get_secret_value(),
        )
        app.ctx.wechat_api = api
        app.ctx.wechat_outbox = WeChatOutbox(
            app.ctx.redis,
            api,
            app.ctx.conversations,
            settings.wechat_window_hours,
            settings.wechat_window_messages,
            blocking_redis=app.ctx.blocking_redis,
            ticket_template_id=settings.wechat_ticket_template_id,
            mark_unreachable=partial(mark_unreachable, app.ctx.engine),
        )


def main() -> None:
    """``kefu gateway``: serve the gateway with settings from the environment."""
    from kefu.logging import configure_logging
    from kefu.web import check_port_free

    settings = GatewaySettings()
    configure_logging("gateway", settings.log_level, settings.log_format)
    check_port_free(settings.gateway_host, settings.gateway_port, "KEFU_GATEWAY_PORT")
    app = create_app(settings)
    app.run(
        host=settings.gateway_host,
        port=settings.gateway_port,
        single_process=True,
        access_log=False,
        motd=False,
    )
