"""``GET /health``: the state of each dependency, checked concurrently with short timeouts.

The report says ``ready`` only when every part can serve: Redis and SQL answer, Rasa answers
(it listens only once its model is loaded) and the action server says it is ready (its
knowledge-base index is built). Until then ``missing`` names what is not, and the servers
answer 503 — which is what ``kefu demo`` and a load balancer wait for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from redis.asyncio import Redis
from sanic import Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.db import ping as db_ping

Check = Callable[[], Awaitable[str | None]]


class NotReady(Exception):
    """The dependency answers but cannot serve yet (e.g. still building an index)."""


async def _run(check: Check, limit_s: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(check(), limit_s)
    except NotReady as exc:
        return {"status": "starting", "error": str(exc)[:300]}
    except httpx.ConnectError:
        return {"status": "down", "error": "not answering (starting, or down)"}
    except Exception as exc:
        return {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
    out: dict[str, Any] = {
        "status": "ok",
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if detail:
        out["detail"] = detail
    return out


def standard_checks(
    redis: Redis, engine: AsyncEngine, http: httpx.AsyncClient, rasa_url: str, actions_url: str
) -> dict[str, Check]:
    async def redis_check() -> str | None:
        await redis.ping()
        return None

    async def sql_check() -> str | None:
        await db_ping(engine)
        return engine.dialect.name

    async def rasa_check() -> str | None:
        # KEFU_RASA_URL may list several servers (comma-separated): every one must answer.
        urls = [u.strip().rstrip("/") for u in rasa_url.split(",") if u.strip()]
        answers = []
        for url in urls:
            response = await http.get(url + "/", timeout=2.0)
            response.raise_for_status()
            answers.append(response.text.strip()[:80])
        if len(urls) == 1:
            return answers[0]
        return f"{len(urls)} servers: {answers[0]}"

    async def actions_check() -> str | None:
        response = await http.get(actions_url.rstrip("/") + "/health", timeout=2.0)
        if response.status_code == httpx.codes.SERVICE_UNAVAILABLE:
            raise NotReady(_missing_of(response))
        response.raise_for_status()
        return None

    return {
        "redis": redis_check,
        "sql": sql_check,
        "rasa": rasa_check,
        "action_server": actions_check,
    }


def _missing_of(response: httpx.Response) -> str:
    try:
        missing = response.json().get("missing")
    except ValueError:
        missing = None
    return "; ".join(missing) if isinstance(missing, list) and missing else "not ready"


async def health_report(
    service: str, checks: dict[str, Check], limit_s: float = 3.0
) -> dict[str, Any]:
    """``{"service", "status": "ok"|"degraded", "ready", "missing": [...], "dependencies"}``."""
    names = list(checks)
    results = await asyncio.gather(*(_run(checks[n], limit_s) for n in names))
    deps = dict(zip(names, results, strict=True))
    missing = [
        f"{n}: {d.get('error', d['status'])}" for n, d in deps.items() if d["status"] != "ok"
    ]
    return {
        "service": service,
        "status": "degraded" if missing else "ok",
        "ready": not missing,
        "missing": missing,
        "dependencies": deps,
    }


def health_status(report: dict[str, Any]) -> int:
    """The HTTP status of a health report: 200 when ready, else 503."""
    return 200 if report.get("ready") else 503


def install_health_route(app: Any, service: str, rasa_url: str, action_server_url: str) -> None:
    """``GET /health`` on a kefu app whose ``ctx`` has ``redis``, ``engine`` and ``http``: the
    standard checks (Redis, SQL, Rasa, the action server), 200 when every part can serve, else
    503 naming what is missing. The gateway and the staff console answer it alike."""

    @app.get("/health")  # type: ignore[untyped-decorator]
    @openapi.summary("Readiness: 200 when every part can serve, else 503 naming what is missing")
    async def health(request: Request) -> HTTPResponse:
        ctx = request.app.ctx
        checks = standard_checks(ctx.redis, ctx.engine, ctx.http, rasa_url, action_server_url)
        report = await health_report(service, checks)
        return json(report, status=health_status(report), ensure_ascii=False)
