"""Which conversation events a customer may see.

Staff-only events carry ``"internal": true`` in their data; the types below are always
staff-only as well. Channels (the gateway's events endpoint, WebSocket, WeChat) must drop them.
"""

from __future__ import annotations

from typing import Any

CUSTOMER_HIDDEN_TYPES = frozenset({"note", "escalated"})


def customer_visible(event: Any) -> bool:
    """True if ``event`` (an Event or its ``as_dict()``) may be shown to the customer."""
    if isinstance(event, dict):
        kind, internal = event.get("type"), event.get("internal")
    else:
        kind, internal = event.type, event.data.get("internal")
    return kind not in CUSTOMER_HIDDEN_TYPES and internal is not True
