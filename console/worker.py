"""The staff console's background duties, run in every staff process.

Each duty is safe to run concurrently in several processes (atomic Redis steps, idempotent SQL
writes): finishing routing steps a crashed process left half done, presence sweeping,
auto-assignment, queue position updates, SLA checks, tickets for the customers who waited past
their group's maximum wait (``handoff.give_up``: the state-machine move decides which process
makes the one ticket; one whose process died before the customer was told is finished by
another), archiving, closing idle bot conversations
(``handoff.endings``: the staff console owns conversations' ends), starting the retention of
archived conversations whose ticket is no longer open, the retention purge of SQL archives
(hourly), the tickets' duties (overdue escalation, auto-close after silence) and the daily QA
sampling (once per day across processes, missed days of the last week caught up,
``handoff.qa_sampling``) every ``ticket_interval_s``;
and, in a task of its own beside them, the report's daily roll-ups of finished days every
``rollup_interval_s`` (at once again while a backlog remains; ``handoff.rollups``)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from handoff.agents import Agents
from handoff.archive import Archiver
from handoff.endings import Endings
from handoff.give_up import expire_waits, finish_pending
from handoff.qa_sampling import QaDuties
from handoff.queue import QueueService
from handoff.retention import PURGE_EVERY_S, purge_expired
from handoff.rollups import MAX_DAYS_PER_ROUND, Rollups
from handoff.sla import SlaMonitor
from handoff.ticket_clock import TicketDuties
from kefu.logging import get_logger
from kefu.redis_client import raise_if_cancelled

log = get_logger(__name__)


class Worker:
    def __init__(
        self,
        queue: QueueService,
        agents: Agents,
        sla: SlaMonitor,
        archiver: Archiver,
        settings: Any,
        tickets: TicketDuties | None = None,
        rollups: Rollups | None = None,
        qa: QaDuties | None = None,
    ) -> None:
        self.tickets = tickets
        self.rollups = rollups
        self.qa = qa
        self._tickets_at = 0.0
        self.queue = queue
        self.agents = agents
        self.sla = sla
        self.archiver = archiver
        self.settings = settings
        self._purged_at = float("-inf")  # monotonic time of the last retention purge
        self.endings = Endings(queue.conversations, archiver)

    async def tick(self) -> dict[str, int]:
        s = self.settings
        recovered = await self.queue.conversations.recover()
        requeued = await self.agents.sweep(s.heartbeat_timeout_s, s.reassign_grace_s)
        assigned = await self.queue.dispatch_all()
        updates = 0
        for group in self.queue.config.skill_groups:
            updates += await self.queue.announce_positions(group)
        breaches = await self.sla.check()
        gave_up = await expire_waits(self.queue)
        await finish_pending(self.queue)
        archived = await self.archiver.archive_pending()
        purged = 0
        if time.monotonic() - self._purged_at >= PURGE_EVERY_S:
            self._purged_at = time.monotonic()
            result = await purge_expired(self.archiver.engine, s.retention_days)
            purged = sum(result.as_dict().values())
        ticket_counts = {"ticket_escalations": 0, "tickets_auto_closed": 0}
        interval = float(s.ticket_interval_s)
        if self.tickets is not None and time.monotonic() - self._tickets_at >= interval:
            self._tickets_at = time.monotonic()
            ticket_counts = await self.tickets.tick()
            if self.qa is not None:
                ticket_counts["qa_sampled"] = await self.qa.tick()
        idle_closed = await self.endings.close_idle(s.idle_close_s)
        released = await self.archiver.release_retained()
        return {
            **ticket_counts,
            "recovered": recovered,
            "requeued": len(requeued),
            "assigned": assigned,
            "queue_updates": updates,
            "breaches": len(breaches),
            "waited_too_long": gave_up,
            "archived": archived,
            "purged": purged,
            "idle_closed": idle_closed,
            "released": released,
        }

    async def run(self) -> None:
        rolling = asyncio.create_task(self.roll_up()) if self.rollups is not None else None
        try:
            while True:
                raise_if_cancelled()
                try:
                    await self.tick()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # keep the loop alive; log and try again
                    log.warning("background tick failed", error=repr(exc))
                await asyncio.sleep(self.settings.background_interval_s)
        finally:
            if rolling is not None:
                rolling.cancel()

    async def roll_up(self) -> None:
        """The report's daily roll-ups, beside the tick: a backlog of days takes seconds of
        queries and must not hold up routing. A full round (a week of days) means more may be
        waiting, so the next round starts at once."""
        assert self.rollups is not None
        interval = float(getattr(self.settings, "rollup_interval_s", 60.0))
        while True:
            raise_if_cancelled()
            try:
                rolled = await self.rollups.tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep the loop alive; log and try again
                log.warning("report roll-up failed", error=repr(exc))
                rolled = 0
            await asyncio.sleep(0 if rolled >= MAX_DAYS_PER_ROUND else interval)
