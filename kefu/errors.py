"""The one JSON error shape of every HTTP API: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error a client caused or must know about; rendered with its status, never as a 500."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(extra)
    return {"error": body}
