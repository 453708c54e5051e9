"""Retention of personal data in SQL: after ``KEFU_RETENTION_DAYS`` (180 by default; 0 keeps
everything) archived transcripts and their events are deleted, and what reports still need is
kept without the person: conversation facts lose the customer id and rating comment, closed
tickets lose the customer id and text. Run by the staff console's background worker (at most
once per ``PURGE_EVERY_S`` per process; idempotent, so several processes may run it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.models import ConversationArchive, ConversationFact, Ticket
from handoff.report_models import ReportDay
from kefu.logging import get_logger

__all__ = ["PURGE_EVERY_S", "Purged", "purge_expired"]

log = get_logger(__name__)
PURGE_EVERY_S = 3600.0
ERASED = ""


@dataclass(frozen=True)
class Purged:
    archives: int = 0
    facts: int = 0
    tickets: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


async def purge_expired(
    engine: AsyncEngine, retention_days: int, now: datetime | None = None
) -> Purged:
    if retention_days <= 0:
        return Purged()
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    async with AsyncSession(engine) as session:
        archives = await session.execute(
            delete(ConversationArchive).where(ConversationArchive.closed_at < cutoff)
        )
        expiring = (ConversationFact.ended_at < cutoff) & (
            (ConversationFact.customer_id != ERASED) | (ConversationFact.rating_comment != ERASED)
        )
        # a fact without a customer leaves first-contact resolution: its day's roll-up changes
        first = await session.scalar(select(func.min(ConversationFact.ended_at)).where(expiring))
        facts = await session.execute(
            update(ConversationFact)
            .where(expiring)
            .values(customer_id=ERASED, rating_comment=ERASED)
        )
        if first is not None:
            await session.execute(
                update(ReportDay)
                .where(ReportDay.ends_at > first, ReportDay.starts_at < cutoff)
                .values(changes=ReportDay.changes + 1)
            )
        tickets = await session.execute(
            update(Ticket)
            .where(Ticket.status == "closed")
            .where(Ticket.closed_at < cutoff)
            .where((Ticket.customer_id != ERASED) | (Ticket.text != ERASED))
            .values(customer_id=ERASED, text=ERASED)
        )
        await session.commit()
    purged = Purged(
        archives=int(getattr(archives, "rowcount", 0) or 0),
        facts=int(getattr(facts, "rowcount", 0) or 0),
        tickets=int(getattr(tickets, "rowcount", 0) or 0),
    )
    if any(purged.as_dict().values()):
        log.info("retention purge", days=retention_days, **purged.as_dict())
    return purged
