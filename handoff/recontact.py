"""First-contact resolution's raw material (``docs/metrics.md``): a conversation's **topic** is
its last recognised intent that is not small talk, and a conversation is **recontacted** when
another conversation of the same customer about the same topic started within ``WINDOW`` after
it ended. Both are columns of ``conversation_facts``, kept by the facts writer: writing one
conversation re-marks every conversation of that customer, and the days whose marks changed are
re-rolled (``handoff.rollups.touch``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationFact

WINDOW = timedelta(days=3)
WINDOW_DAYS = 3
SMALL_TALK = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "inform", "out_of_scope",
     "request_human"}
)  # fmt: skip


def topic_of(intents: Iterable[str]) -> str:
    """The last intent that is not small talk, or ""."""
    return next((i for i in reversed(list(intents)) if i not in SMALL_TALK), "")


def marks(facts: Sequence[Any]) -> dict[str, bool]:
    """``recontacted`` of each of one customer's facts (``conversation_id``, ``topic``,
    ``started_at``, ``ended_at``)."""
    out = {}
    for x in facts:
        out[x.conversation_id] = any(
            y.conversation_id != x.conversation_id
            and y.topic == x.topic
            and x.ended_at < y.started_at <= x.ended_at + WINDOW
            for y in facts
        )
    return out


async def remark_customer(session: AsyncSession, customer_id: str) -> list[datetime]:
    """Re-mark one customer's facts in ``session``; → the ``ended_at`` of those that changed."""
    if not customer_id:
        return []
    rows = (
        await session.execute(
            select(
                ConversationFact.conversation_id,
                ConversationFact.topic,
                ConversationFact.started_at,
                ConversationFact.ended_at,
                ConversationFact.recontacted,
            ).where(ConversationFact.customer_id == customer_id)
        )
    ).all()
    changed = []
    fresh = marks(rows)
    for row in rows:
        mark = fresh[row.conversation_id]
        if mark != bool(row.recontacted):
            await session.execute(
                update(ConversationFact)
                .where(ConversationFact.conversation_id == row.conversation_id)
                .values(recontacted=mark)
            )
            changed.append(row.ended_at)
    return changed


def remark_all_sql(dialect: str) -> Any:
    """One statement re-marking every fact (bulk writers: the seeded history)."""
    if dialect == "postgresql":
        later = f"y.started_at <= x.ended_at + interval '{WINDOW_DAYS} days'"
        after = "y.started_at > x.ended_at"
    else:
        later = f"julianday(y.started_at) <= julianday(x.ended_at) + {WINDOW_DAYS}"
        after = "julianday(y.started_at) > julianday(x.ended_at)"
    return text(
        "UPDATE conversation_facts AS x SET recontacted = EXISTS (SELECT 1 FROM "  # noqa: S608
        "conversation_facts AS y WHERE y.customer_id = x.customer_id AND y.topic = x.topic "
        f"AND y.conversation_id != x.conversation_id AND {after} AND {later}) "
        "WHERE x.customer_id != ''"
    )
