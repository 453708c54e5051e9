"""The staff console's background duties, run in every staff process.

Each duty is safe to run concurrently in several processes (atomic Redis steps, idempotent SQL
writes): finishing routing steps a crashed process left half done, presence sweeping,
auto-assignment, queue position updates, SLA checks, archiving."""

from __future__ import annotations

import asyncio
from typing import Any

from handoff.agents import Agents
from handoff.archive import Archiver
from handoff.queue import QueueService
from handoff.sla import SlaMonitor
from kefu.logging import get_logger

log = get_logger(__name__)


class Worker:
    def __init__(
        self,
        queue: QueueService,
        agents: Agents,
        sla: SlaMonitor,
        archiver: Archiver,
        settings: Any,
    ) -> None:
        self.queue = queue
        self.agents = agents
        self.sla = sla
        self.archiver = archiver
        self.settings = settings

    async def tick(self) -> dict[str, int]:
        s = self.settings
        recovered = await self.queue.conversations.recover()
        requeued = await self.agents.sweep(s.heartbeat_timeout_s, s.reassign_grace_s)
        assigned = await self.queue.dispatch_all()
        updates = 0
        for group in self.queue.config.skill_groups:
            updates += await self.queue.announce_positions(group)
        breaches = await self.sla.check()
        archived = await self.archiver.archive_pending()
        return {
            "recovered": recovered,
            "requeued": len(requeued),
            "assigned": assigned,
            "queue_updates": updates,
            "breaches": len(breaches),
            "archived": archived,
        }

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep the loop alive; log and try again
                log.warning("background tick failed", error=repr(exc))
            await asyncio.sleep(self.settings.background_interval_s)
