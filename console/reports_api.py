"""Service reports in the staff console (team leads, supervisors): the figures as JSON, and the
same report as an HTML or XLSX document to download (each download is audit-logged). The
report page (``/reports``) shows the HTML report with its charts."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw
from sanic_ext import openapi

from console.api import principal
from console.report_data import build_report
from handoff.report_render import to_html, to_xlsx
from handoff.reports import resolve_period
from kefu.errors import ApiError

bp = Blueprint("reports_api", url_prefix="/api/v1")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGS = ("zh", "zh-Hant", "en")


async def _report(request: Request) -> dict[str, object]:
    principal(request).require("team_lead", "supervisor")
    queue = request.app.ctx.queue
    tz = queue.config.timezone
    period = resolve_period(request.args.get("period", "day"), tz, request.args.get("date"))
    return await build_report(
        request.app.ctx.engine,
        request.app.ctx.redis,
        period,
        tz,
        queue.config.sla_first_response_s,
        tuple(queue.config.skill_groups),
    )


@bp.get("/reports")
@openapi.summary("Service report figures of a day, week or month, with the previous one")
@openapi.parameter("period", str, "query", description="day | week | month (default day)")
@openapi.parameter("date", str, "query", description="YYYY-MM-DD in the period; default: last full")
@openapi.secured("bearer")
async def get_report(request: Request) -> HTTPResponse:
    return json(await _report(request), ensure_ascii=False)


@bp.get("/reports/export")
@openapi.summary("The report as a document: format=html (charts inline) or xlsx (logged)")
@openapi.parameter("period", str, "query")
@openapi.parameter("date", str, "query")
@openapi.parameter("format", str, "query", description="html | xlsx")
@openapi.parameter("lang", str, "query", description="zh | zh-Hant | en")
@openapi.secured("bearer")
async def export_report(request: Request) -> HTTPResponse:
    data = await _report(request)
    fmt, lang = request.args.get("format", "html"), request.args.get("lang", "zh")
    if fmt not in ("html", "xlsx"):
        raise ApiError(400, "invalid_format", "format must be html or xlsx")
    if lang not in LANGS:
        raise ApiError(400, "invalid_lang", "lang must be zh, zh-Hant or en")
    label = data["period"]["label"]  # type: ignore[index]
    await request.app.ctx.audit.record(
        principal(request).username, "report_exported", str(label), format=fmt, lang=lang
    )
    name = f"kefu-report-{label}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "html":
        body = await asyncio.to_thread(to_html, data, lang)
        return raw(body.encode(), content_type="text/html; charset=utf-8", headers=headers)
    return raw(await asyncio.to_thread(to_xlsx, data, lang), content_type=XLSX, headers=headers)
