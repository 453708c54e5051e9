"""Staff console HTTP API: login and accounts (queue, conversations and the internal handoff
API join here as they land)."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from handoff.accounts import Principal, Tokens, authenticate, create_account
from kefu.errors import ApiError
from kefu.web import bearer_token, json_body

bp = Blueprint("staff_api", url_prefix="/api/v1")


def principal(request: Request) -> Principal:
    """The authenticated staff member of this request (401 without a valid token)."""
    tokens: Tokens = request.app.ctx.tokens
    return tokens.verify(bearer_token(request))


@bp.post("/auth/login")
@openapi.summary("Log in; returns a bearer token")
@openapi.body({"application/json": {"username": str, "password": str}})
async def login(request: Request) -> HTTPResponse:
    body = json_body(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(400, "bad_request", "username and password are required")
    account = await authenticate(request.app.ctx.engine, username, password)
    token = request.app.ctx.tokens.issue(account)
    return json({"token": token, "account": account.public()}, ensure_ascii=False)


@bp.post("/agents")
@openapi.summary("Create a staff account (admin)")
@openapi.secured("bearer")
@openapi.body(
    {
        "application/json": {
            "username": str,
            "password": str,
            "roles": [str],
            "skill_groups": [str],
            "capacity": int,
            "display_name": str,
        }
    }
)
async def add_agent(request: Request) -> HTTPResponse:
    principal(request).require("admin")
    body: dict[str, Any] = json_body(request)
    account = await create_account(
        request.app.ctx.engine,
        username=body.get("username"),  # type: ignore[arg-type]  # validated inside
        password=body.get("password"),  # type: ignore[arg-type]
        roles=body.get("roles", ["agent"]),
        skill_groups=body.get("skill_groups", []),
        capacity=body.get("capacity", 3),
        display_name=str(body.get("display_name") or ""),
    )
    return json(account.public(), status=201, ensure_ascii=False)
