"""Staff console HTTP API of quality inspection (质检): the QA queue and one conversation beside
the rubric, scoring, the agent's scores and their one appeal, the lead's decision, and the
rectification items (整改). Who may do what: ``console.route_rules`` (roles) and
``handoff.access`` (QA inspectors and supervisors every group, leads their groups, an agent
their own). The rubric, settings and weekly report are in ``console.qa_admin_api``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.api import principal
from handoff import qa_queue, qa_rectify, qa_reviews
from handoff.accounts import Principal
from kefu.bodies import BodyModel, body_doc, parse_body
from kefu.errors import ApiError
from kefu.masking import mask_text

bp = Blueprint("qa_api", url_prefix="/api/v1/qa")
REVIEWERS = ("qa", "team_lead", "supervisor")
Points = dict[str, float]
Comments = dict[str, str]


class ScoreBody(BodyModel):
    """Points (and optional comments) per rubric item of the version the form showed."""

    rubric_version: int = Field(ge=1, description="the rubric version the form showed")
    points: Points = Field(description='e.g. {"greeting": 10, "accuracy": 8, ...}')
    comments: Comments = Field(default={}, description="per item, optional")
    comment: str = Field(default="", max_length=2000)


class AppealBody(BodyModel):
    reason: str = Field(min_length=1, max_length=1000, description="why the score is wrong")


class DecisionBody(BodyModel):
    """upheld: rescored with ``points``; rejected: the score is final."""

    decision: Literal["upheld", "rejected"]
    note: str = Field(default="", max_length=1000)
    points: Points | None = None
    comments: Comments = Field(default_factory=dict)


class DoneBody(BodyModel):
    note: str = Field(default="", max_length=1000, description="what was done")


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return json(body, status=status, ensure_ascii=False)


def _who(request: Request, *roles: str) -> Principal:
    who = principal(request)
    who.require(*roles)
    return who


def _tz(request: Request) -> str:
    return str(request.app.ctx.queue.config.timezone)


def _id(value: int) -> int:
    if not 0 < value < 2**31:
        raise ApiError(404, "not_found", f"no such item {value}")
    return value


def _comments(raw: Comments) -> Comments:
    if any(len(text) > 1000 for text in raw.values()):
        raise ApiError(400, "invalid_comment", "a comment has at most 1000 characters")
    return {key: mask_text(text) for key, text in raw.items() if text.strip()}


def _flag(request: Request, name: str) -> bool:
    return request.args.get(name) in ("1", "true")


@bp.get("/items")
@openapi.summary("The QA queue: filter sampled | flagged | mine | all, agent, group, status")
@openapi.parameter("filter", str, "query", description="all | sampled | flagged | mine (I scored)")
@openapi.parameter("agent", str, "query")
@openapi.parameter("group", str, "query")
@openapi.parameter("status", str, "query", description="pending | scored | appealed")
@openapi.parameter("offset", int, "query")
@openapi.secured("bearer")
async def items(request: Request) -> HTTPResponse:
    who = _who(request, *REVIEWERS)
    args = request.args
    try:
        offset, limit = int(args.get("offset") or 0), int(args.get("limit") or 100)
    except ValueError:
        raise ApiError(400, "invalid_page", "offset and limit must be numbers") from None
    if not (0 <= offset <= 10**6 and 0 < limit <= 200):
        raise ApiError(400, "invalid_page", "offset 0..1000000, limit 1..200")
    found = await qa_queue.list_items(
        request.app.ctx.engine,
        who,
        kind=args.get("filter") or "all",
        agent=args.get("agent") or "",
        group=args.get("group") or "",
        status=args.get("status") or "",
        limit=limit,
        offset=offset,
    )
    return _json({"items": found})


@bp.get("/items/<item_id:int>")
@openapi.summary("One QA item: the transcript (masked), its score, the rubric to score with")
@openapi.secured("bearer")
async def item(request: Request, item_id: int) -> HTTPResponse:
    who = _who(request, "agent", *REVIEWERS)
    return _json(await qa_queue.detail(request.app.ctx.engine, who, _id(item_id)))


@bp.post("/items/<item_id:int>/score")
@openapi.summary("Score a conversation once (a failed score opens a rectification item)")
@openapi.description(
    "400 points_out_of_range / unknown_item / missing_item; 409 already_scored, "
    "rubric_changed (the rubric changed since the form was opened)."
)
@body_doc(ScoreBody)
@openapi.secured("bearer")
async def score(request: Request, item_id: int) -> HTTPResponse:
    who = _who(request, *REVIEWERS)
    body = parse_body(request, ScoreBody)
    review = await qa_reviews.score(
        request.app.ctx.engine,
        who,
        _id(item_id),
        body.rubric_version,
        body.points,
        _comments(body.comments),
        mask_text(body.comment),
        _tz(request),
    )
    return _json(review, 201)


@bp.post("/items/<item_id:int>/appeal")
@openapi.summary("The agent appeals their score (申诉), once")
@body_doc(AppealBody)
@openapi.secured("bearer")
async def appeal(request: Request, item_id: int) -> HTTPResponse:
    who = _who(request, "agent", "team_lead")
    body = parse_body(request, AppealBody)
    review = await qa_reviews.appeal(
        request.app.ctx.engine, who, _id(item_id), mask_text(body.reason.strip())
    )
    return _json(review)


@bp.post("/items/<item_id:int>/appeal/decision")
@openapi.summary("Decide an appeal (the group's lead or a supervisor): upheld → rescored")
@body_doc(DecisionBody)
@openapi.secured("bearer")
async def decide(request: Request, item_id: int) -> HTTPResponse:
    who = _who(request, "team_lead", "supervisor")
    body = parse_body(request, DecisionBody)
    review = await qa_reviews.decide(
        request.app.ctx.engine,
        who,
        _id(item_id),
        body.decision == "upheld",
        mask_text(body.note),
        body.points,
        _comments(body.comments),
        _tz(request),
    )
    await request.app.ctx.audit.record(
        who.username, "qa_appeal_decided", str(item_id), decision=body.decision
    )
    return _json(review)


@bp.get("/my-scores")
@openapi.summary("The caller's own QA scores and average (agents)")
@openapi.secured("bearer")
async def my_scores(request: Request) -> HTTPResponse:
    who = _who(request, "agent", "team_lead", "supervisor")
    return _json(await qa_queue.my_scores(request.app.ctx.engine, who))


@bp.get("/rectifications")
@openapi.summary("Rectification items (整改): an agent's own; a lead's groups; overdue=1 filter")
@openapi.parameter("mine", bool, "query")
@openapi.parameter("overdue", bool, "query")
@openapi.secured("bearer")
async def rectifications(request: Request) -> HTTPResponse:
    who = _who(request, "agent", *REVIEWERS)
    found = await qa_rectify.list_for(
        request.app.ctx.engine, who, mine=_flag(request, "mine"), overdue=_flag(request, "overdue")
    )
    return _json({"rectifications": found})


@bp.post("/rectifications/<rect_id:int>/acknowledge")
@openapi.summary("The agent acknowledges a rectification item")
@openapi.secured("bearer")
async def acknowledge(request: Request, rect_id: int) -> HTTPResponse:
    who = _who(request, "agent", "team_lead")
    row = await qa_rectify.advance(request.app.ctx.engine, who, _id(rect_id), "acknowledged")
    return _json(row)


@bp.post("/rectifications/<rect_id:int>/done")
@openapi.summary("The agent marks a rectification item done")
@body_doc(DoneBody)
@openapi.secured("bearer")
async def done(request: Request, rect_id: int) -> HTTPResponse:
    who = _who(request, "agent", "team_lead")
    body = parse_body(request, DoneBody) if request.body else DoneBody()
    row = await qa_rectify.advance(
        request.app.ctx.engine, who, _id(rect_id), "done", mask_text(body.note)
    )
    return _json(row)
