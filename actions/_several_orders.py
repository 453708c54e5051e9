"""Several of the customer's own orders asked about at once ("保温杯和跑鞋分别到哪了", "where
are my earbuds and the shirt"): for the read-only flows (status, tracking) each order is
described in turn, rather than "which one?" for a question that named them all. Flows that
change an order still take one order at a time."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._orders import orders_named
from actions._services import Services
from actions._tracker import latest_text
from actions.order_status import describe

__all__ = ["describe_several"]

READ_ONLY_FORMS = frozenset({"order_status_form", "shipment_form"})
MAX_DESCRIBED = 3  # more than this is a list to choose from, not a question about each

# the products joined as each asked about: 和 / 跟 / 还有 / 分别 / 都 / both / and / each
_EACH = re.compile(r"和|跟|与|與|同|还有|還有|分别|分別|都|两个|兩個|\b(?:and|both|each)\b", re.I)


async def describe_several(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, form: str
) -> list[dict[str, Any]] | None:
    """Each order the message names, described, when a read-only flow starts on a message
    naming two or three different products of the customer's own orders; else None."""
    if form not in READ_ONLY_FORMS or not _EACH.search(latest_text(tracker)):
        return None
    named = await orders_named(services, tracker)
    if not named or not 2 <= len(named) <= MAX_DESCRIBED:
        return None
    if len({order.item for order in named}) != len(named):
        return None  # one product bought twice: which order is asked, not each
    events: list[dict[str, Any]] = []
    for order in named:
        events.extend(await describe(services, dispatcher, tracker, order))
    return events
