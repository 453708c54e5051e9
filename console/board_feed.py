"""The live board over the console socket: after ``{"type": "board"}`` a lead's socket gets
``{"type": "board", ...snapshot}`` every second (``handoff.board.Board.snapshot``) and
``{"type": "alert", "kind": "sla_breach"|"ticket_overdue", ...}`` once for each breach or
overdue ticket that appears after subscribing and that ``handoff.access.alerted`` gives them.
What was already there when the board opened is in the snapshot's lists, not alerted again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.exceptions import ConnectionClosed

from handoff import access
from handoff.accounts import Principal
from handoff.board import Board
from kefu.logging import get_logger
from kefu.redis_client import raise_if_cancelled

log = get_logger(__name__)

INTERVAL_S = 1.0
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BoardFeed:
    def __init__(self, board: Board, groups: list[str], send: Send) -> None:
        self.board = board
        self.groups = groups
        self.send = send
        self.seen_breaches: set[int] | None = None
        self.seen_tickets: set[int] = set()

    async def run(self, who: Callable[[], Principal]) -> None:
        while True:
            raise_if_cancelled()
            try:
                await self.tick(who())
            except asyncio.CancelledError:
                raise
            except ConnectionClosed:
                return  # the lead closed the page
            except Exception as exc:  # a failed snapshot (SQL busy, Redis blip) must not end
                # the lead's live board for good: log it and try again on the next tick
                log.warning("board tick failed", error=repr(exc))
            await asyncio.sleep(INTERVAL_S)

    async def tick(self, who: Principal) -> None:
        snapshot = await self.board.snapshot(self.groups)
        await self.send({"type": "board", **snapshot})
        first = self.seen_breaches is None
        seen = self.seen_breaches or set()
        alerts: list[dict[str, Any]] = []
        for breach in snapshot["breaches"]:
            if breach["id"] in seen:
                continue
            seen.add(breach["id"])
            if not first and access.alerted(who, breach["skill_group"], breach["escalated_to"]):
                alerts.append({"type": "alert", "kind": "sla_breach", **breach})
        for ticket in snapshot["overdue_tickets"]:
            if ticket["id"] in self.seen_tickets:
                continue
            self.seen_tickets.add(ticket["id"])
            if not first and access.alerted(who, ticket["skill_group"], "team_lead"):
                alerts.append({"type": "alert", "kind": "ticket_overdue", **ticket})
        self.seen_breaches = seen
        for alert in alerts:
            await self.send(alert)
