"""What every kefu Sanic app shares: the JSON error shape for every failure, request-body
parsing with clear 400s, bearer-token checks, and a readable message when a port is taken."""

from __future__ import annotations

import errno
import hmac
import socket
from typing import Any
from urllib.parse import unquote

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

from kefu.errors import ApiError, error_body
from kefu.logging import get_logger
from kefu.text_checks import has_lone_surrogate

log = get_logger(__name__)


def install_error_handlers(app: Sanic) -> None:
    @app.exception(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> HTTPResponse:
        retry_after = exc.extra.get("retry_after")
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return json(
            error_body(exc.code, exc.message, **exc.extra), status=exc.status, headers=headers
        )

    @app.exception(SanicException)
    async def sanic_error(_request: Request, exc: SanicException) -> HTTPResponse:
        status = int(getattr(exc, "status_code", 500) or 500)
        code = {
            400: "bad_request",
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            408: "timeout",
            413: "payload_too_large",
            429: "rate_limited",
            503: "unavailable",
        }.get(status, "error" if status < 500 else "internal")
        message = str(exc) if status < 500 else "internal error"
        headers = getattr(exc, "headers", None) or {}
        return json(error_body(code, message), status=status, headers=headers)

    @app.exception(Exception)
    async def unexpected(request: Request, exc: Exception) -> HTTPResponse:
        log.exception("unhandled error", path=request.path, error=type(exc).__name__)
        return json(error_body("internal", "internal error"), status=500)


def install_path_decoding(app: Sanic) -> None:
    """Path parameters arrive percent-decoded in every handler: a page that encodes an id
    (``encodeURIComponent("退货-01")``, ``"wx:abc@shop"``) reaches the same id the API stored.
    Sanic hands them over raw; one rule here, for every route of the app."""

    async def decode_path_params(request: Request) -> None:
        params = request.match_info
        if any(isinstance(v, str) and "%" in v for v in params.values()):
            try:
                request.match_info = {
                    k: unquote(v, errors="strict") if isinstance(v, str) else v
                    for k, v in params.items()
                }
            except UnicodeDecodeError:
                raise ApiError(
                    400, "bad_path", "the path is not valid percent-encoded UTF-8"
                ) from None

    # before any other middleware reads an id
    app.register_middleware(decode_path_params, "request", priority=100)


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    if not request.body:
        raise ApiError(400, "bad_request", "request body must be a JSON object")
    try:
        import json as _json

        body = _json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "malformed_json", "request body is nested too deeply") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "request body must be a JSON object")
    if has_lone_surrogate(request.body, body):
        raise ApiError(400, "invalid_text", "text contains a lone surrogate (\\ud800-\\udfff)")
    return body


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "missing bearer token")
    return token.strip()


def require_token(request: Request, *expected: str) -> str:
    """401 unless the bearer token equals one of ``expected`` (compared in constant time)."""
    token = bearer_token(request)
    for candidate in expected:
        if candidate and hmac.compare_digest(token.encode(), candidate.encode()):
            return token
    raise ApiError(401, "unauthorized", "invalid API key or token")


def check_port_free(host: str, port: int, variable: str) -> None:
    """Exit with a clear message if ``host:port`` is already taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers do: connections in TIME_WAIT must not count as "taken"; a listener does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise SystemExit(
                    f"kefu: port {port} on {host} is already in use; "
                    f"stop what is using it or set {variable} to another port"
                ) from None
            raise
