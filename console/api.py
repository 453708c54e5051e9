"""Staff console HTTP API: login, logout, passwords, accounts and the audit log.

Every request with a bearer token is resolved once, before its handler, by
``console.staff_auth.StaffAuth`` (signature, expiry, account active, password unchanged, not
logged out); ``principal(request)`` hands the result to the handler."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.account_fields import (
    Account,
    AccountChange,
    Login,
    LoginResult,
    NewAccount,
    PasswordChange,
    TokenResult,
)
from handoff.accounts import (
    USERNAME,
    Principal,
    authenticate,
    create_account,
    hash_password_async,
    verify_password_async,
)
from handoff.models import StaffAccount
from kefu.bodies import body_doc, parse_body, response_doc
from kefu.client_ip import TrustedProxies
from kefu.errors import ApiError

bp = Blueprint("staff_api", url_prefix="/api/v1")


async def resolve_principal(request: Request) -> None:
    """Request middleware: resolve a bearer token to ``request.ctx.principal`` (or the 401)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    request.ctx.principal = None
    request.ctx.auth_error = ApiError(401, "unauthorized", "missing bearer token")
    if scheme.lower() != "bearer" or not token.strip() or token.count(".") != 2:
        return  # no token, or not a JWT (the internal token, an API key): handlers decide
    try:
        request.ctx.principal = await request.app.ctx.staff_auth.principal(token.strip())
    except ApiError as exc:
        request.ctx.auth_error = exc


def principal(request: Request) -> Principal:
    """The authenticated staff member of this request (401 without a valid token)."""
    who: Principal | None = getattr(request.ctx, "principal", None)
    if who is None:
        raise getattr(request.ctx, "auth_error", None) or ApiError(
            401, "unauthorized", "missing bearer token"
        )
    return who


def client_address(request: Request) -> str:
    """The socket peer, or X-Forwarded-For through KEFU_TRUSTED_PROXIES (``kefu.client_ip``)."""
    proxies: TrustedProxies = request.app.ctx.trusted_proxies
    return proxies.of_request(request)


@bp.post("/auth/login")
@openapi.summary("Log in; returns a bearer token (429 with Retry-After after failures)")
@body_doc(Login)
@response_doc(LoginResult)
async def login(request: Request) -> HTTPResponse:
    body = parse_body(request, Login)
    username, password = body.username, body.password
    throttle = request.app.ctx.login_throttle
    address = client_address(request)
    if not USERNAME.match(username) or len(password) > 1024:
        # no such account can exist; still counted against the client address
        await throttle.check("", address)
        await throttle.failed("", address)
        raise ApiError(401, "invalid_login", "wrong username or password")
    await throttle.check(username, address)
    try:
        account = await authenticate(request.app.ctx.engine, username, password)
    except ApiError:
        await throttle.failed(username, address)
        raise
    await throttle.succeeded(username)
    token = request.app.ctx.tokens.issue(account)
    return json({"token": token, "account": account.public()}, ensure_ascii=False)


@bp.post("/auth/logout")
@openapi.summary("End this token's session now")
@openapi.secured("bearer")
async def logout(request: Request) -> HTTPResponse:
    await request.app.ctx.staff_auth.revoke(principal(request))
    return json({"ok": True})


@bp.post("/auth/password")
@openapi.summary("Change my password (ends every other session of mine)")
@body_doc(PasswordChange)
@response_doc(TokenResult)
@openapi.secured("bearer")
async def change_password(request: Request) -> HTTPResponse:
    who = principal(request)
    body = parse_body(request, PasswordChange)
    old, new = body.old_password, body.new_password
    async with AsyncSession(request.app.ctx.engine, expire_on_commit=False) as session:
        account = await session.scalar(
            select(StaffAccount).where(StaffAccount.username == who.username)
        )
        if account is None or not await verify_password_async(account.password_hash, old):
            raise ApiError(403, "wrong_password", "the current password is wrong")
        account.password_hash = await hash_password_async(new)
        await session.commit()
    request.app.ctx.staff_auth.forget(who.username)
    await request.app.ctx.audit.record(who.username, "password_changed", who.username)
    token = request.app.ctx.tokens.issue(account)
    return json({"token": token})


@bp.post("/agents")
@openapi.summary("Create a staff account (admin)")
@openapi.secured("bearer")
@body_doc(NewAccount)
@response_doc(Account, 201, "Created")
async def add_agent(request: Request) -> HTTPResponse:
    who = principal(request)
    who.require("admin")
    body = parse_body(request, NewAccount)
    account = await create_account(
        request.app.ctx.engine,
        username=body.username,
        password=body.password,
        roles=list(body.roles),
        skill_groups=body.skill_groups,
        capacity=body.capacity,
        display_name=body.display_name,
    )
    await request.app.ctx.audit.record(
        who.username,
        "account_created",
        account.username,
        roles=list(account.roles),
        skill_groups=list(account.skill_groups),
    )
    return json(account.public(), status=201, ensure_ascii=False)


@bp.get("/agents")
@openapi.summary("Every staff account, active or disabled (admin)")
@openapi.secured("bearer")
async def list_agents(request: Request) -> HTTPResponse:
    principal(request).require("admin")
    async with AsyncSession(request.app.ctx.engine) as session:
        rows = (await session.scalars(select(StaffAccount).order_by(StaffAccount.username))).all()
    return json({"agents": [a.public() for a in rows]}, ensure_ascii=False)


@bp.patch("/agents/<username:str>")
@openapi.summary("Change a staff account: active, roles, skill groups, capacity (admin)")
@body_doc(AccountChange)
@response_doc(Account)
@openapi.secured("bearer")
async def change_agent(request: Request, username: str) -> HTTPResponse:
    who = principal(request)
    who.require("admin")
    change = parse_body(request, AccountChange)
    body = change.model_dump(exclude_unset=True)
    if None in body.values():
        raise ApiError(400, "invalid_body", "a field may be left out but not set to null")
    if username == who.username and body.get("active") is False:
        raise ApiError(409, "cannot_disable_self", "you cannot disable your own account")
    async with AsyncSession(request.app.ctx.engine, expire_on_commit=False) as session:
        account = await session.scalar(
            select(StaffAccount).where(StaffAccount.username == username)
        )
        if account is None:
            raise ApiError(404, "unknown_account", f"no account {username!r}")
        before = account.public()
        for name in body:
            setattr(account, name, body[name])
        await session.commit()
    request.app.ctx.staff_auth.forget(username)
    changes = {k: {"from": before[k], "to": body[k]} for k in body if before[k] != body[k]}
    await request.app.ctx.audit.record(who.username, "account_changed", username, **changes)
    return json(account.public(), ensure_ascii=False)


@bp.get("/audit")
@openapi.summary("The audit log, newest first (admin, supervisor)")
@openapi.parameter("actor", str, "query")
@openapi.parameter("action", str, "query")
@openapi.parameter("before_id", int, "query")
@openapi.parameter("limit", int, "query")
@openapi.secured("bearer")
async def audit_log(request: Request) -> HTTPResponse:
    principal(request).require("supervisor")
    try:
        limit = int(request.args.get("limit", "100"))
        before = request.args.get("before_id")
        before_id = int(before) if before is not None else None
    except ValueError:
        raise ApiError(400, "bad_request", "limit and before_id must be integers") from None
    if before_id is not None and not 0 <= before_id < 2**62:
        raise ApiError(400, "bad_request", "before_id is out of range")
    entries = await request.app.ctx.audit.entries(
        actor=request.args.get("actor"),
        action=request.args.get("action"),
        before_id=before_id,
        limit=limit,
    )
    return json({"entries": entries}, ensure_ascii=False)
