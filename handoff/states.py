"""The conversation's owners, the allowed moves between them, and the values the state machine
(``handoff.conversation``) hands out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
GROUP = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
STREAM_MAXLEN = 5000  # events kept per conversation in Redis; everything is archived on close
OUTBOX_MAXLEN = 100_000  # entries kept on a channel's outbox stream (acknowledged or not)


class Owner(StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    AGENT = "agent"
    CLOSED = "closed"


# The allowed transitions of the design: bot → queued → agent → closed, plus agent → queued
# (transfer to a group), agent → agent (transfer to a colleague), agent → bot (hand back),
# queued → bot (customer gives up), queued → closed (left a message), closed → bot (the customer
# writes again) and bot → closed (an idle bot conversation ends).
TRANSITIONS: dict[Owner, frozenset[Owner]] = {
    Owner.BOT: frozenset({Owner.QUEUED, Owner.CLOSED}),
    Owner.QUEUED: frozenset({Owner.AGENT, Owner.BOT, Owner.CLOSED}),
    Owner.AGENT: frozenset({Owner.CLOSED, Owner.QUEUED, Owner.AGENT, Owner.BOT}),
    Owner.CLOSED: frozenset({Owner.BOT}),
}


class InvalidConversationId(ValueError):
    pass


class TransitionRefused(Exception):
    """The conversation was not in a state that allows the requested change."""

    def __init__(
        self,
        conversation_id: str,
        current: Owner,
        wanted: Owner,
        agent: str,
        reason: str = "refused",
    ) -> None:
        super().__init__(f"{conversation_id}: {current} → {wanted} not allowed ({reason})")
        self.conversation_id = conversation_id
        self.current = current
        self.wanted = wanted
        self.agent = agent
        # "refused" (owner/agent not as expected), "agent_full" or "agent_unavailable"
        self.reason = reason


@dataclass(frozen=True)
class Moved:
    """The result of a transition: the new event's seq, who had it before, queue position."""

    seq: int
    previous: Owner
    previous_agent: str
    position: int = 0


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    data: dict[str, Any]
    ts: float

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "ts": self.ts, **self.data}


@dataclass(frozen=True)
class ConversationState:
    conversation_id: str
    owner: Owner
    agent: str = ""
    group: str = ""
    seq: int = 0
    channel: str = ""
    customer_id: str = ""
    # staff who joined the agent's live chat (强插, ``handoff.participation``): not owners
    participants: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


def check_conversation_id(conversation_id: str) -> str:
    if not CONVERSATION_ID.match(conversation_id):
        raise InvalidConversationId(
            "conversation id must be 1-128 characters of letters, digits and _.:@-"
        )
    return conversation_id
