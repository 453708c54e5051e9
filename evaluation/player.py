"""Plays one scripted conversation through the gateway's REST channel, taps buttons the way
the web page does (it sends the button's payload, else its title), and reads afterwards from
state — never from wording — whether a person was brought in: the conversation's owner and
its events in Redis (``queued``), a handoff packet the staff console stored (also when nobody
was online), and a ticket in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from evaluation.scenarios import Conversation
from handoff.conversation import Conversations
from handoff.models import Ticket
from kefu import redis_keys as keys

HANDOFF_EVENTS = frozenset({"queued", "assigned", "accepted"})


@dataclass
class PlayedTurn:
    sent: str
    replies: list[dict[str, Any]]
    owner: str
    error: str = ""

    @property
    def text(self) -> str:
        """Every reply's text and button titles, one line each (what the customer reads)."""
        lines: list[str] = []
        for reply in self.replies:
            lines.append(str(reply.get("text") or ""))
            lines.extend(str(b.get("title") or "") for b in reply.get("buttons") or [])
        return "\n".join(lines)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for r in self.replies for b in (r.get("buttons") or [])]


@dataclass
class Played:
    conversation: Conversation
    conversation_id: str
    turns: list[PlayedTurn] = field(default_factory=list)
    owner: str = "bot"
    handoff_events: list[str] = field(default_factory=list)
    packet_stored: bool = False
    tickets: int = 0

    @property
    def handed_off(self) -> bool:
        return (
            self.owner in {"queued", "agent"}
            or bool(self.handoff_events)
            or self.packet_stored
            or self.tickets > 0
        )


def _tap_value(turn_tap: int | str, previous: PlayedTurn | None) -> tuple[str, str]:
    """(what to send, error): the payload of the tapped button (the title when it has none)."""
    buttons = previous.buttons if previous else []
    chosen: dict[str, Any] | None = None
    if isinstance(turn_tap, int):
        if 1 <= turn_tap <= len(buttons):
            chosen = buttons[turn_tap - 1]
    else:
        wanted = turn_tap.casefold()
        chosen = next((b for b in buttons if wanted in str(b.get("title", "")).casefold()), None)
    if chosen is None:
        titles = [str(b.get("title", "")) for b in buttons]
        return "", f"no button {turn_tap!r} to tap (offered: {titles})"
    return str(chosen.get("payload") or chosen.get("title") or ""), ""


class Player:
    def __init__(
        self,
        http: httpx.AsyncClient,
        gateway_url: str,
        api_key: str,
        redis: Redis,
        engine: AsyncEngine,
        run_id: str,
    ) -> None:
        self._http = http
        self._url = gateway_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._conversations = Conversations(redis)
        self._redis = redis
        self._engine = engine
        self._run_id = run_id

    async def play(self, conv: Conversation) -> Played:
        conv_id = f"eval-{self._run_id}-{conv.id}"[:128]
        played = Played(conv, conv_id)
        previous: PlayedTurn | None = None
        for turn in conv.turns:
            if turn.tap is not None:
                text, error = _tap_value(turn.tap, previous)
                if error:
                    played.turns.append(PlayedTurn(f"[tap {turn.tap}]", [], played.owner, error))
                    break
            else:
                text = turn.say or ""
            previous = await self._send(conv, conv_id, text)
            played.turns.append(previous)
            played.owner = previous.owner or played.owner
        await self._read_state(played)
        return played

    async def _send(self, conv: Conversation, conv_id: str, text: str) -> PlayedTurn:
        body: dict[str, Any] = {"text": text, "lang": conv.lang}
        if conv.customer:
            body["customer_id"] = conv.customer
        try:
            r = await self._http.post(
                f"{self._url}/api/v1/conversations/{conv_id}/messages",
                json=body,
                headers=self._headers,
            )
        except httpx.HTTPError as exc:
            return PlayedTurn(text, [], "", f"{type(exc).__name__}: {exc}")
        if r.status_code >= 400:
            # Bad input answered with a clear 4xx is a reply too (the customer's page shows it).
            error = f"HTTP {r.status_code}" if r.status_code >= 500 else ""
            msg = r.json().get("error", {}).get("message", "") if r.content else ""
            return PlayedTurn(text, [{"from": "system", "text": msg}], "", error)
        data = r.json()
        return PlayedTurn(text, list(data.get("replies") or []), str(data.get("owner") or ""))

    async def _read_state(self, played: Played) -> None:
        conv_id = played.conversation_id
        state = await self._conversations.state(conv_id)
        played.owner = str(state.owner)
        events = await self._conversations.events(conv_id, limit=1000)
        played.handoff_events = [e.type for e in events if e.type in HANDOFF_EVENTS]
        played.packet_stored = bool(await self._redis.exists(keys.conv_packet(conv_id)))
        async with self._engine.connect() as conn:
            count = await conn.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.conversation_id == conv_id)
            )
        played.tickets = int(count or 0)
