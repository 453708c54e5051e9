"""Handoff: conversation ownership, the queue service, staff accounts and the agent console."""

from handoff.conversation import (
    ConversationState,
    Conversations,
    Event,
    InvalidConversationId,
    Owner,
    TransitionRefused,
)

__all__ = [
    "ConversationState",
    "Conversations",
    "Event",
    "InvalidConversationId",
    "Owner",
    "TransitionRefused",
]
