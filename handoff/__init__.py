"""Handoff: conversation ownership and its state machine, the queue service, routing, SLA timers,
tickets and staff accounts: the library the gateway and the staff console share."""

from handoff.conversation import (
    Conversations,
    ConversationState,
    Event,
    InvalidConversationId,
    Moved,
    Owner,
    TransitionRefused,
)
from handoff.queue import QueueService
from handoff.queue_config import QueueConfig

__all__ = [
    "ConversationState",
    "Conversations",
    "Event",
    "InvalidConversationId",
    "Moved",
    "Owner",
    "QueueConfig",
    "QueueService",
    "TransitionRefused",
]
