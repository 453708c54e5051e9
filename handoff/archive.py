"""Archiving closed conversations to SQL (packet, transcript, every event) with their facts
(``handoff.facts``), and letting their Redis keys go after the retention.

The close move marks the conversation in the archive list (``kefu.redis_keys.archive_pending``)
in its routing step (``handoff.routing``), which survives a crash, so a crash between closing
and archiving only delays the archive: the background worker retries.
Archiving is idempotent (one archive row per conversation and closing event, one facts row per
conversation).

Retention: once archived, a conversation's state, events and packet expire after
``retention_s`` — unless it has an open ticket, in which case it waits in the retain list
(``kefu.redis_keys.retain``) until the ticket is no longer open. A conversation that is not
archived never gets an expiry, and one that comes back to life (closed → bot) loses its expiry
in the same step (``handoff/lua/move.lua``). What is archived is masked
(phones, ID numbers, addresses: ``kefu.masking``)."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.conversation import STREAM_MAXLEN, Conversations, Owner
from handoff.facts import build_fact, write_fact
from handoff.models import ConversationArchive, ConversationFact
from handoff.states import Event
from handoff.tickets import open_ticket_for
from kefu import redis_keys as keys
from kefu.masking import mask_text, mask_value
from kefu.redis_client import as_text

# Called with an archived conversation's facts and whole log (the QA checks, ``handoff.qa_checks``)
AfterArchive = Callable[[ConversationFact, list[Event]], Awaitable[object]]
PENDING = keys.archive_pending()
RETAIN = keys.retain()
DEFAULT_RETENTION_S = 7 * 86400.0


class Archiver:
    def __init__(
        self,
        conversations: Conversations,
        engine: AsyncEngine,
        retention_s: float = DEFAULT_RETENTION_S,
        after_archive: AfterArchive | None = None,
    ) -> None:
        self.conversations = conversations
        self.engine = engine
        self.retention_s = retention_s
        self.after_archive = after_archive

    async def archive(self, conversation_id: str) -> bool:
        redis = self.conversations.redis
        events = await self.conversations.events(conversation_id, 0, limit=STREAM_MAXLEN)
        closing = [e for e in events if e.type == "closed"]
        state = await self.conversations.state(conversation_id)
        if not closing:
            await redis.srem(PENDING, conversation_id)
            return False
        last = closing[-1]
        raw_packet = await redis.get(keys.conv_packet(conversation_id))
        packet: dict[str, Any] = json.loads(raw_packet) if raw_packet else {}
        row = ConversationArchive(
            conversation_id=conversation_id,
            closed_seq=last.seq,
            agent=str(last.data.get("agent", "")),
            skill_group=str(packet.get("skill_group", "")),
            resolution=str(last.data.get("resolution", "")),
            tags=list(last.data.get("tags") or []),
            packet=packet,
            transcript=_transcript(events),
            # at rest only masked: the live events had the full values for the agent who owned
            # the chat; nobody needs them after it closed (kefu.masking)
            events=[mask_value("event", e.as_dict()) for e in events],
        )
        try:
            async with AsyncSession(self.engine) as session:
                session.add(row)
                await session.commit()
        except IntegrityError:
            pass  # archived already (another process, or a retry)
        intents, faq_ids = await self.from_rasa(conversation_id)
        fact = build_fact(state, events, packet, intents, faq_ids)
        await write_fact(self.engine, fact)
        if self.after_archive is not None:  # before the mark goes: a failure is retried
            await self.after_archive(fact, events)
        if state.owner is Owner.CLOSED:
            await self.retain(conversation_id)
        await redis.srem(PENDING, conversation_id)
        return True

    async def from_rasa(self, conversation_id: str) -> tuple[list[str], list[str]]:
        """What the bot recognised (intents, in order) and which FAQs it answered, from Rasa's
        tracker (one read per archive; the FAQ action puts ``faq_id`` in its message's
        metadata)."""
        raw = await self.conversations.redis.get(keys.rasa_tracker(conversation_id))
        try:
            dialogue = json.loads(raw) if raw else {}
        except ValueError:
            dialogue = {}
        intents, faq_ids = [], []
        for event in dialogue.get("events") or []:
            if not isinstance(event, dict):
                continue
            if event.get("event") == "user":
                intent = (event.get("parse_data") or {}).get("intent") or {}
                name = intent.get("name") if isinstance(intent, dict) else None
                if isinstance(name, str) and name:
                    intents.append(name)
            elif event.get("event") == "bot":
                faq_id = (event.get("metadata") or {}).get("faq_id")
                if isinstance(faq_id, str) and faq_id:
                    faq_ids.append(faq_id)
        return intents, faq_ids

    async def retain(self, conversation_id: str) -> bool:
        """Let an archived conversation's keys expire after the retention, unless it has an
        open ticket (then it waits in the retain list). → True if the expiry was set."""
        redis = self.conversations.redis
        if await open_ticket_for(self.engine, conversation_id) is not None:
            await redis.zadd(RETAIN, {conversation_id: time.time()})
            return False
        ttl = max(1, int(self.retention_s))
        for key in (
            keys.conv_state(conversation_id),
            keys.conv_events(conversation_id),
            keys.conv_packet(conversation_id),
        ):
            await redis.expire(key, ttl)
        await redis.zrem(RETAIN, conversation_id)
        return True

    async def release_retained(self, every_s: float = 60.0, limit: int = 100) -> int:
        """Retained conversations whose ticket is no longer open: start their expiry. Each is
        looked at once per ``every_s`` (a still open ticket puts it back at the end)."""
        done = 0
        cutoff = time.time() - every_s
        retained = await self.conversations.redis.zrangebyscore(
            RETAIN, "-inf", cutoff, start=0, num=limit
        )
        for raw in retained:
            conv_id = as_text(raw)
            if (await self.conversations.state(conv_id)).owner is not Owner.CLOSED:
                await self.conversations.redis.zrem(RETAIN, conv_id)  # alive again
                continue
            done += int(await self.retain(conv_id))
        return done

    async def archive_pending(self, limit: int = 100) -> int:
        redis = self.conversations.redis
        done = 0
        for raw in await redis.srandmember(PENDING, limit) or []:
            conv_id = as_text(raw)
            if (await self.conversations.state(conv_id)).owner is not Owner.CLOSED:
                await redis.srem(PENDING, conv_id)  # reopened before we got to it
                continue
            done += int(await self.archive(conv_id))
        return done


def _transcript(events: list[Event]) -> list[dict[str, Any]]:
    return [
        {
            "seq": e.seq,
            "from": e.data.get("from"),
            "text": mask_text(str(e.data.get("text") or "")),
            "ts": e.ts,
            **({"agent": e.data["agent"]} if "agent" in e.data else {}),
        }
        for e in events
        if e.type == "message"
    ]
