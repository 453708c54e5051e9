"""Staff console HTTP API of quality inspection, the managing part: the rubric (each edit a new
version; scores keep theirs), the QA settings (sampling rate, pass threshold, reply gap,
forbidden phrases, greetings, rectification days) and the weekly QA report."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.api import principal
from handoff import qa_report, qa_rubric
from handoff.accounts import Principal
from handoff.qa_settings import load_settings, save_settings
from handoff.reports import resolve_period
from kefu.bodies import BodyModel, body_doc, parse_body
from kefu.errors import ApiError

bp = Blueprint("qa_admin_api", url_prefix="/api/v1/qa")


class RubricItem(BodyModel):
    error_codes: ClassVar[dict[str, str]] = {"items": "invalid_rubric"}

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="e.g. greeting")
    zh: str = Field(min_length=1, max_length=32, description="label, e.g. 问候")
    en: str = Field(min_length=1, max_length=64, description="label, e.g. Greeting")
    weight: int = Field(ge=1, le=100, description="the weights add up to 100")
    max_points: int = Field(ge=1, le=100)


class RubricBody(BodyModel):
    error_codes: ClassVar[dict[str, str]] = {"items": "invalid_rubric"}

    items: list[RubricItem] = Field(min_length=1, max_length=30)


class SettingsBody(BodyModel):
    """Some of the QA settings."""

    error_codes: ClassVar[dict[str, str]] = {
        "sample_rate": "invalid_setting",
        "pass_threshold": "invalid_setting",
        "reply_gap_s": "invalid_setting",
        "rectify_working_days": "invalid_setting",
        "forbidden_phrases": "invalid_setting",
        "greetings": "invalid_setting",
    }

    sample_rate: float | None = Field(default=None, ge=0, le=1, description="0.2 = 20 %")
    pass_threshold: float | None = Field(default=None, ge=0, le=100)
    reply_gap_s: float | None = Field(default=None, ge=10, le=86400)
    rectify_working_days: int | None = Field(default=None, ge=1, le=30)
    forbidden_phrases: list[str] | None = Field(default=None, max_length=200)
    greetings: list[str] | None = Field(default=None, max_length=200)


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return json(body, status=status, ensure_ascii=False)


def _who(request: Request, *roles: str) -> Principal:
    who = principal(request)
    who.require(*roles)
    return who


@bp.get("/rubric")
@openapi.summary("The rubric in force (labels in zh, zh-Hant, en), or version=N")
@openapi.parameter("version", int, "query")
@openapi.secured("bearer")
async def rubric(request: Request) -> HTTPResponse:
    _who(request, "agent", "qa", "team_lead", "supervisor")
    engine = request.app.ctx.engine
    raw = request.args.get("version")
    if raw:
        if not raw.isdigit() or not 0 < int(raw) < 2**31:
            raise ApiError(400, "invalid_version", "version must be a positive number")
        return _json(qa_rubric.public(int(raw), await qa_rubric.version_items(engine, int(raw))))
    return _json(qa_rubric.public(*await qa_rubric.current(engine)))


@bp.put("/rubric")
@openapi.summary("Replace the rubric (QA inspectors, supervisors): a new version")
@body_doc(RubricBody)
@openapi.secured("bearer")
async def rubric_put(request: Request) -> HTTPResponse:
    who = _who(request, "qa", "supervisor")
    body = parse_body(request, RubricBody)
    saved = await qa_rubric.save(
        request.app.ctx.engine, [item.model_dump() for item in body.items], who.username
    )
    await request.app.ctx.audit.record(
        who.username, "qa_rubric_changed", f"v{saved['version']}", items=len(body.items)
    )
    return _json(saved)


@bp.get("/settings")
@openapi.summary("The QA settings")
@openapi.secured("bearer")
async def settings_get(request: Request) -> HTTPResponse:
    _who(request, "qa", "team_lead", "supervisor")
    return _json(await load_settings(request.app.ctx.engine))


@bp.put("/settings")
@openapi.summary('Change QA settings (supervisors), e.g. {"sample_rate": 0.3}')
@body_doc(SettingsBody)
@openapi.secured("bearer")
async def settings_put(request: Request) -> HTTPResponse:
    who = _who(request, "supervisor")
    body = parse_body(request, SettingsBody)
    changes = body.model_dump(exclude_unset=True)
    saved = await save_settings(request.app.ctx.engine, changes, who.username)
    await request.app.ctx.audit.record(who.username, "qa_settings_changed", ",".join(changes))
    return _json(saved)


@bp.get("/report")
@openapi.summary("The weekly QA report (ISO week in KEFU_TIMEZONE); default the last full week")
@openapi.parameter("date", str, "query", description="YYYY-MM-DD: the week containing it")
@openapi.secured("bearer")
async def report(request: Request) -> HTTPResponse:
    who = _who(request, "qa", "team_lead", "supervisor")
    tz = str(request.app.ctx.queue.config.timezone)
    week = resolve_period("week", tz, request.args.get("date") or None)
    return _json(await qa_report.weekly(request.app.ctx.engine, who, week))
