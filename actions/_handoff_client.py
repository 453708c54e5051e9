"""The one client that hands a conversation to people: ``POST {staff}/api/v1/handoffs``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from kefu.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class HandoffResult:
    accepted: bool
    status: int | None = None
    body: dict[str, Any] | None = None
    error: str = ""

    @property
    def outcome(self) -> str:
        """queued | already_queued | already_assigned | no_agents | failed."""
        if not self.accepted:
            return "failed"
        return str((self.body or {}).get("status") or "queued")

    @property
    def queue_position(self) -> int | None:
        body = self.body or {}
        position = body.get("position")
        if position is None and isinstance(body.get("queue"), dict):
            position = body["queue"].get("position")
        return position if isinstance(position, int) and not isinstance(position, bool) else None

    @property
    def ticket(self) -> dict[str, Any] | None:
        """The ticket the staff console made for this handoff (nobody online, or a complaint):
        ``{"id", "due_at"}``, ``due_at`` an ISO time in the shop's time zone."""
        ticket = (self.body or {}).get("ticket")
        if isinstance(ticket, dict) and isinstance(ticket.get("id"), int):
            return ticket
        return None


class HandoffClient:
    """Posts the handoff packet (ARCHITECTURE.md) with the internal bearer token.

    Never raises for a down or refusing staff console: the caller tells the customer politely.
    """

    def __init__(
        self,
        staff_url: str,
        internal_token: str,
        *,
        timeout_s: float = 3.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base = staff_url.rstrip("/")
        self._url = self._base + "/api/v1/handoffs"
        self._token = internal_token
        self._timeout = timeout_s
        self._transport = transport

    async def send(self, packet: dict[str, Any]) -> HandoffResult:
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport) as c:
                response = await c.post(self._url, json=packet, headers=headers)
        except httpx.HTTPError as exc:
            log.warning(
                "handoff failed",
                error=f"{type(exc).__name__}: {exc}",
                conversation_id=packet.get("conversation_id"),
            )
            return HandoffResult(False, error=type(exc).__name__)
        try:
            body = response.json()
        except ValueError:
            body = None
        ok = response.status_code in (httpx.codes.OK, httpx.codes.CREATED, httpx.codes.ACCEPTED)
        if not ok:
            log.warning(
                "handoff refused",
                status=response.status_code,
                conversation_id=packet.get("conversation_id"),
            )
        return HandoffResult(
            ok,
            response.status_code,
            body if isinstance(body, dict) else None,
            "" if ok else f"HTTP {response.status_code}",
        )

    async def open_ticket(self, conversation_id: str) -> tuple[bool, dict[str, Any] | None]:
        """The conversation's open ticket as the customer may hear it: (reached, ticket or
        None). Never raises; (False, None) when the staff console cannot be reached."""
        url = f"{self._base}/api/v1/internal/conversations/{quote(conversation_id, safe='')}/ticket"
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport) as c:
                response = await c.get(url, headers=headers)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("ticket lookup failed", error=type(exc).__name__)
            return False, None
        if response.status_code != 200 or not isinstance(body, dict):
            return False, None
        ticket = body.get("ticket")
        return True, ticket if isinstance(ticket, dict) else None
