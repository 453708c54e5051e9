"""Participants (强插): a team lead or supervisor who joins an agent's live chat.

A participant is not an owner: the conversation stays ``agent``-owned by its agent, no
capacity is used and routing never sees them. They are kept on the conversation's state hash
(``participant:<username>`` fields) and every join, post and leave is one Lua script
(``handoff/lua/participate.lua``) that checks the chat is still with an agent, changes the
participation and appends the event, so a participant's message never lands in a chat that
has moved on. Every ownership move ends every participation (``handoff/lua/move.lua``).
Part of ``handoff.conversation.Conversations``."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from redis.asyncio import Redis

from handoff.event_log import events_key, state_key
from handoff.states import STREAM_MAXLEN, Owner, TransitionRefused, check_conversation_id
from kefu import redis_keys as keys
from kefu.redis_client import as_text

PARTICIPANT = "participant:"
DEDUPE_TTL_S = 24 * 3600


class NotParticipating(Exception):
    """Leave or post by someone who has not joined (or whose participation a move ended)."""


class Participation:
    _redis: Redis
    _participate: Any
    _notify: Callable[[str, str, int], Awaitable[None]]  # handoff.event_log.EventLog

    async def participate(
        self,
        conversation_id: str,
        action: Literal["join", "post", "leave"],
        username: str,
        event_type: str,
        data: dict[str, Any],
        *,
        dedupe: str = "",
    ) -> tuple[int, bool]:
        """Join, post as or leave as a participant, atomically with the event.

        → ``(seq, created)``: ``created`` is False for a second join or a retried post (same
        ``dedupe``), whose seq is the first one's (0 for a second join). Raises
        TransitionRefused when the chat is not with an agent, or ``username`` is its agent;
        NotParticipating to post or leave without having joined."""
        check_conversation_id(conversation_id)
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        result = await self._participate(
            keys=[
                state_key(conversation_id),
                events_key(conversation_id),
                keys.conv_dedupe(conversation_id, dedupe),
            ],
            args=[
                action,
                username,
                event_type,
                payload,
                repr(time.time()),
                str(STREAM_MAXLEN),
                "1" if dedupe else "0",
                str(DEDUPE_TTL_S),
            ],
        )
        seq, owner, agent = int(result[0]), as_text(result[1]), as_text(result[2])
        if seq == 0:
            reason = as_text(result[3])
            if reason == "not_joined":
                raise NotParticipating(conversation_id)
            raise TransitionRefused(conversation_id, Owner(owner), Owner.AGENT, agent, reason)
        if seq == -1:
            first = as_text(result[3])
            return (int(first) if first.isdigit() else 0), False
        await self._notify(conversation_id, as_text(result[3]), seq)
        return seq, True


def participants_of(values: dict[str, str]) -> tuple[str, ...]:
    """The usernames in a state hash's ``participant:<username>`` fields, sorted."""
    return tuple(sorted(k[len(PARTICIPANT) :] for k in values if k.startswith(PARTICIPANT)))
