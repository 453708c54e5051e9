"""The ticket's kinds and its state machine: the one place that says which change is allowed.

``new → assigned → in_progress → waiting_customer → resolved → closed``, with ``reopened`` from
resolved or closed, back to work from waiting, and ``closed`` from any open state (a duplicate,
a message that needs nothing). Every state change of a ticket goes through
:func:`require_transition`; the SQL write that follows is conditional on the version read, so
two agents changing one ticket at once cannot both win (``handoff.tickets``)."""

from __future__ import annotations

from kefu.errors import ApiError

TYPES = ("complaint", "after_sales", "invoice", "left_message", "other")
PRIORITIES = ("low", "normal", "high", "urgent")
STATES = (
    "new",
    "assigned",
    "in_progress",
    "waiting_customer",
    "resolved",
    "closed",
    "reopened",
)
# not finished: what lists of open work, the overdue check and the customer's question see
OPEN_STATES = ("new", "assigned", "in_progress", "waiting_customer", "reopened")
# the due-time clock runs in these (it pauses while waiting for the customer)
CLOCK_STATES = ("new", "assigned", "in_progress", "reopened")

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "in_progress", "waiting_customer", "resolved", "closed"}),
    "assigned": frozenset({"assigned", "in_progress", "waiting_customer", "resolved", "closed"}),
    "in_progress": frozenset({"assigned", "waiting_customer", "resolved", "closed"}),
    "waiting_customer": frozenset({"assigned", "in_progress", "resolved", "closed"}),
    "resolved": frozenset({"closed", "reopened"}),
    "closed": frozenset({"reopened"}),
    "reopened": frozenset({"assigned", "in_progress", "waiting_customer", "resolved", "closed"}),
}


def require_transition(ticket_id: int, old: str, new: str) -> None:
    """Raise a 409 naming both states unless ``old → new`` is a step of the machine."""
    if new not in STATES:
        raise ApiError(400, "invalid_state", f"state must be one of {', '.join(STATES)}")
    if new not in TRANSITIONS.get(old, frozenset()):
        raise ApiError(
            409,
            "invalid_transition",
            f"ticket {ticket_id} is {old}; it cannot become {new}",
            state=old,
        )


def require_type(kind: str) -> str:
    if kind not in TYPES:
        raise ApiError(400, "invalid_type", f"type must be one of {', '.join(TYPES)}")
    return kind


def require_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise ApiError(400, "invalid_priority", f"priority must be one of {', '.join(PRIORITIES)}")
    return priority
