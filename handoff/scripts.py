"""The scripts library (话术库): canned replies stored in SQL, by set, skill group and scenario,
with variables filled from the conversation when an agent inserts one.

Sets: ``normal`` always; ``big_sale`` (大促) while the big-sale switch is on; ``outage`` while
the outage switch is on — the picker lists the sets that are on first (``sets_on``). Who reads
and edits which group's scripts is ``handoff.access`` (``script_groups``, ``may_edit_script``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.script_models import CannedReply
from kefu.errors import ApiError

SETS = ("normal", "big_sale", "outage")
# What a text may say in braces, filled in the console from the conversation: the customer's
# display name, the order id of the handoff packet, the agent's display name.
VARIABLES = ("customer_name", "order_id", "agent_name")
_BRACED = re.compile(r"\{([^{}]*)\}")


def unknown_variables(text: str) -> list[str]:
    """Every ``{…}`` in ``text`` that is not a known variable, and stray braces, in order."""
    bad = [name for name in _BRACED.findall(text) if name not in VARIABLES]
    rest = _BRACED.sub("", text)
    if "{" in rest or "}" in rest:
        bad.append("{" if "{" in rest else "}")
    return bad


def check_variables(texts: dict[str, str]) -> None:
    """400 ``unknown_variable`` naming the field and the variable, and the ones that exist."""
    for field, text in texts.items():
        bad = unknown_variables(text)
        if bad:
            allowed = ", ".join("{" + v + "}" for v in VARIABLES)
            raise ApiError(
                400,
                "unknown_variable",
                f"{field}: unknown variable {bad[0]!r}; the variables are {allowed}",
                field=field,
                variable=bad[0],
                allowed=list(VARIABLES),
            )


def sets_on(big_sale: bool, outage: bool) -> list[str]:
    """The sets the picker shows, first the one that matters most now."""
    return [*(["outage"] if outage else []), *(["big_sale"] if big_sale else []), "normal"]


class Scripts:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def listed(
        self, groups: frozenset[str] | None, sets: list[str] | None = None
    ) -> list[CannedReply]:
        """Scripts of ``groups`` plus the shared ones (None: every group), of ``sets`` (None:
        every set) in that order of sets, then by scenario and position."""
        query = select(CannedReply)
        if groups is not None:
            query = query.where(
                or_(CannedReply.skill_group == "", CannedReply.skill_group.in_(sorted(groups)))
            )
        if sets is not None:
            query = query.where(CannedReply.script_set.in_(sets))
        query = query.order_by(CannedReply.position, CannedReply.id)
        async with AsyncSession(self.engine) as session:
            rows = list((await session.scalars(query)).all())
        order = {name: i for i, name in enumerate(sets or SETS)}
        return sorted(rows, key=lambda r: order.get(r.script_set, len(order)))

    async def get(self, script_id: int) -> CannedReply:
        async with AsyncSession(self.engine) as session:
            row = await session.get(CannedReply, script_id)
        if row is None:
            raise ApiError(404, "unknown_script", f"no script {script_id}")
        return row

    async def create(self, fields: dict[str, Any], by: str) -> CannedReply:
        check_variables({k: fields[k] for k in ("text_zh", "text_en")})
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            row = CannedReply(**fields, updated_by=by, updated_at=datetime.now(UTC))
            session.add(row)
            await session.commit()
        return row

    async def update(self, script_id: int, fields: dict[str, Any], by: str) -> CannedReply:
        check_variables({k: v for k, v in fields.items() if k in ("text_zh", "text_en")})
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            row = await session.get(CannedReply, script_id)
            if row is None:
                raise ApiError(404, "unknown_script", f"no script {script_id}")
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_by, row.updated_at = by, datetime.now(UTC)
            await session.commit()
        return row

    async def delete(self, script_id: int) -> None:
        async with AsyncSession(self.engine) as session:
            row = await session.get(CannedReply, script_id)
            if row is None:
                raise ApiError(404, "unknown_script", f"no script {script_id}")
            await session.delete(row)
            await session.commit()
