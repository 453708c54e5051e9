"""The input channel the kefu gateway calls: Rasa's REST webhook behind the internal token.

Rasa's ``--auth-token`` guards only its HTTP API, not the channel webhooks, so the open
``rest`` channel would let any local process talk to the bot as any customer. This channel is
``RestInput`` with one check in front: ``Authorization: Bearer $KEFU_INTERNAL_TOKEN`` (compared
in constant time). Webhook: ``POST /webhooks/kefu/webhook``. Imports only rasa (and sanic, which
Rasa serves with) and the standard library."""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_VARIABLE = "KEFU_INTERNAL_TOKEN"  # noqa: S105  # a variable name, not a secret


class KefuInput(RestInput):
    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError(f"{TOKEN_VARIABLE} must be set: the gateway authenticates with it")
        self._token = token.encode()

    @classmethod
    def name(cls) -> str:
        return "kefu"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        token = (credentials or {}).get("token") or os.environ.get(TOKEN_VARIABLE, "")
        return cls(str(token))

    def _extract_input_channel(self, req: Request) -> str:
        return "rest"  # trackers keep naming the channel as before

    def allowed(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        given = token.strip().encode()
        return scheme.lower() == "bearer" and hmac.compare_digest(given, self._token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint: Blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")  # type: ignore[untyped-decorator]
        async def check_token(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and not self.allowed(request):
                return response.json(
                    {"error": {"code": "unauthorized", "message": "invalid token"}}, status=401
                )
            return None

        return blueprint
