"""The audit log: staff actions that change things (accounts and roles, publish and rollback,
switches, reassignments, exports, reveals of masked data), one SQL row each.

``AuditLog.record`` never fails the action it records: a write error is logged instead."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.models import AuditEntry
from kefu.errors import ApiError
from kefu.logging import get_logger

log = get_logger(__name__)
MAX_LIMIT = 500


class AuditLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def record(self, actor: str, action: str, target: str = "", **details: Any) -> None:
        try:
            async with AsyncSession(self.engine) as session:
                session.add(
                    AuditEntry(actor=actor, action=action, target=target[:200], details=details)
                )
                await session.commit()
        except Exception as exc:  # the action itself has happened; say so loudly
            log.error("audit write failed", actor=actor, action=action, error=repr(exc))

    async def entries(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        if not 1 <= limit <= MAX_LIMIT:
            raise ApiError(400, "invalid_limit", f"limit must be 1 to {MAX_LIMIT}")
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if actor:
            query = query.where(AuditEntry.actor == actor)
        if action:
            query = query.where(AuditEntry.action == action)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        async with AsyncSession(self.engine) as session:
            return [e.public() for e in (await session.scalars(query)).all()]
