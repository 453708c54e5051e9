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
from handoff.events import CUSTOMER_HIDDEN_TYPES, customer_visible
from handoff.queue import QueueConfig, QueueService

__all__ = [
    "CUSTOMER_HIDDEN_TYPES",
    "ConversationState",
    "Conversations",
    "Event",
    "InvalidConversationId",
    "Moved",
    "Owner",
    "QueueConfig",
    "QueueService",
    "TransitionRefused",
    "customer_visible",
]
