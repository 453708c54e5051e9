"""Archiving closed conversations to SQL (packet, transcript, every event).

The close move marks the conversation in the archive list (``kefu.redis_keys.archive_pending``)
in its routing step (``handoff.routing``), which survives a crash, so a crash between closing
and archiving only delays the archive: the background worker retries.
Archiving is idempotent (one row per conversation and closing event)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.conversation import STREAM_MAXLEN, Conversations, Owner
from handoff.models import ConversationArchive
from kefu import redis_keys as keys

PENDING = keys.archive_pending()


class Archiver:
    def __init__(self, conversations: Conversations, engine: AsyncEngine) -> None:
        self.conversations = conversations
        self.engine = engine

    async def archive(self, conversation_id: str) -> bool:
        redis = self.conversations.redis
        events = await self.conversations.events(conversation_id, 0, limit=STREAM_MAXLEN)
        closing = [e for e in events if e.type == "closed"]
        if not closing:
            await redis.srem(PENDING, conversation_id)
            return False
        last = closing[-1]
        raw_packet = await redis.get(keys.conv_packet(conversation_id))
        packet: dict[str, Any] = json.loads(raw_packet) if raw_packet else {}
        transcript = [
            {
                "seq": e.seq,
                "from": e.data.get("from"),
                "text": e.data.get("text"),
                "ts": e.ts,
                **({"agent": e.data["agent"]} if "agent" in e.data else {}),
            }
            for e in events
            if e.type == "message"
        ]
        row = ConversationArchive(
            conversation_id=conversation_id,
            closed_seq=last.seq,
            agent=str(last.data.get("agent", "")),
            skill_group=str(packet.get("skill_group", "")),
            resolution=str(last.data.get("resolution", "")),
            tags=list(last.data.get("tags") or []),
            packet=packet,
            transcript=transcript,
            events=[e.as_dict() for e in events],
        )
        try:
            async with AsyncSession(self.engine) as session:
                session.add(row)
                await session.commit()
        except IntegrityError:
            pass  # archived already (another process, or a retry)
        await redis.srem(PENDING, conversation_id)
        return True

    async def archive_pending(self, limit: int = 100) -> int:
        redis = self.conversations.redis
        done = 0
        for raw in await redis.srandmember(PENDING, limit) or []:
            conv_id = _text(raw)
            if (await self.conversations.state(conv_id)).owner is not Owner.CLOSED:
                await redis.srem(PENDING, conv_id)  # reopened before we got to it
                continue
            done += int(await self.archive(conv_id))
        return done


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
