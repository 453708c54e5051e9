"""Automatic QA checks on every agent conversation when it closes (the archiver calls
``QaChecks`` right after the conversation's facts are written):

- ``forbidden_phrase``: an agent message contains a phrase of the editable list;
- ``slow_first_reply``: the agent's first reply came later after accepting than the group's
  first-response target;
- ``slow_reply_gap``: the customer waited longer than the reply-gap setting for an answer;
- ``missing_greeting``: the agent's first message has none of the editable greetings (or the
  agent never wrote).

Each hit flags the conversation into the QA queue with its reasons. Idempotent: a conversation
that closes again gets its flags recomputed from its whole log."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.models import ConversationFact
from handoff.qa_models import QaItem
from handoff.qa_settings import load_settings
from handoff.states import Event

CHECKS = ("forbidden_phrase", "slow_first_reply", "slow_reply_gap", "missing_greeting")


def _said(event: Event, who: str) -> bool:
    return event.type == "message" and event.data.get("from") == who


def _has(text: str, phrase: str) -> bool:
    if phrase.isascii():  # "hi" is a greeting, "this" is not
        return (
            re.search(rf"(?<![a-z]){re.escape(phrase.lower())}(?![a-z])", text.lower()) is not None
        )
    return phrase in text


def run_checks(
    events: list[Event], settings: dict[str, Any], first_response_target_s: float
) -> list[dict[str, Any]]:
    """The flags of one conversation's log (oldest first): [{"check", "detail"}]."""
    accepted = next((e for e in events if e.type == "accepted"), None)
    if accepted is None:
        return []
    after = [e for e in events if e.seq > accepted.seq]
    replies = [e for e in after if _said(e, "agent")]
    flags: list[dict[str, Any]] = []
    for phrase in settings["forbidden_phrases"]:
        if any(_has(str(e.data.get("text") or ""), phrase) for e in replies):
            flags.append({"check": "forbidden_phrase", "detail": phrase})
    if replies and replies[0].ts - accepted.ts > first_response_target_s:
        flags.append({"check": "slow_first_reply", "detail": round(replies[0].ts - accepted.ts)})
    longest, waiting_since = 0.0, None
    for event in after:
        if _said(event, "customer") and waiting_since is None:
            waiting_since = event.ts
        elif _said(event, "agent") and waiting_since is not None:
            longest, waiting_since = max(longest, event.ts - waiting_since), None
    if longest > float(settings["reply_gap_s"]):
        flags.append({"check": "slow_reply_gap", "detail": round(longest)})
    first_text = str(replies[0].data.get("text") or "") if replies else ""
    if not any(_has(first_text, g) for g in settings["greetings"]):
        flags.append({"check": "missing_greeting", "detail": first_text[:40]})
    return flags


async def flag(engine: AsyncEngine, fact: ConversationFact, flags: list[dict[str, Any]]) -> bool:
    """Put the conversation in the QA queue with ``flags`` (or clear old automatic flags of a
    conversation that closed again). → whether it is flagged."""
    async with AsyncSession(engine) as session:
        item = await session.scalar(
            select(QaItem).where(QaItem.conversation_id == fact.conversation_id)
        )
        if item is None and not flags:
            return False
        if item is None:
            item = QaItem(
                conversation_id=fact.conversation_id,
                agent=fact.agent or "",
                skill_group=fact.skill_group or "",
                ended_at=fact.ended_at or datetime.now(UTC),
            )
            session.add(item)
        item.flags, item.flagged = flags, bool(flags)
        try:
            await session.commit()
        except IntegrityError:  # another process archived the same close a moment ago
            return await flag(engine, fact, flags)
    return bool(flags)


class QaChecks:
    """The archiver's hook: check an agent conversation that has just been archived."""

    def __init__(self, engine: AsyncEngine, target: Callable[[str], float]) -> None:
        self.engine = engine
        self.target = target  # skill group → first-response target in seconds

    async def __call__(self, fact: ConversationFact, events: list[Event]) -> bool:
        if fact.bot_only or not fact.agent:
            return False
        settings = await load_settings(self.engine)
        flags = run_checks(events, settings, self.target(fact.skill_group or ""))
        return await flag(self.engine, fact, flags)
