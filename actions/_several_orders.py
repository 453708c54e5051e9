"""Several of the customer's own orders asked about at once ("保温杯和跑鞋分别到哪了", "where
are my earbuds and the shirt"): for the read-only flows (status, tracking) each order is
described in turn, rather than "which one?" for a question that named them all. Flows that
change an order still take one order at a time.

One order asked several things at once ("20231120005 到哪儿了？坏了的话保修几年"): the parts
that only read it (where it is, its warranty) are answered from the shop's data beside the
flow that takes the other part (``read_parts``), not offered as buttons."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._orders import orders_named, the_customer
from actions._reading import ORDER_ID
from actions._services import Services
from actions._tracker import lang_of, latest_text
from actions._two_questions import Part, about_flow, asks_of_its_own, words_flow
from actions._warranty_state import asks_warranty_state, warranty_state_text
from actions.order_status import describe
from shop import normalise_order_id

__all__ = ["describe_several", "read_parts"]

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


async def read_parts(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    parts: list[Part],
    form: str,
) -> list[Part]:
    """At the start of ``form`` on a message naming one order of the customer's own and asking
    several things of it: each part that only reads the order — its tracking or status, its
    warranty — answered from the order; the parts left (to offer). The order is looked up in
    the customer's own account: another customer's order id answers nothing here."""
    if form in READ_ONLY_FORMS:
        return parts
    ids = {normalise_order_id(found) for found in ORDER_ID.findall(latest_text(tracker))}
    cid = the_customer(services, tracker)
    if not cid or len(ids) > 1:
        return parts
    if ids:
        oid = ids.pop()
        order = await services.shop.order(cid, oid) if oid else None
    else:
        # "跑鞋页面上比我买的时候便宜了四十 这个能补吗 还有它大概哪天送到": the one order of
        # theirs the product names
        named = await orders_named(services, tracker)
        order = named[0] if named and len(named) == 1 else None
    if order is None:
        return parts
    lang = lang_of(tracker)
    left = []
    for part in parts:
        if about_flow(form, part.text) or not asks_of_its_own(part):
            left.append(part)
        elif asks_warranty_state(part.text):
            dispatcher.utter_message(text=warranty_state_text(lang, order))
        elif words_flow(part.text) in READ_ONLY_FORMS:
            await describe(services, dispatcher, tracker, order, text=part.text)
        else:
            left.append(part)
    return left
