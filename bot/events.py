"""Which conversation events a customer may see, and how they read on a text-only channel.

Every customer-facing output (REST events, WebSocket, WeChat) goes through
``customer_events``: internal events — agents' notes and anything marked ``internal`` — never
leave the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot import texts
from handoff.conversation import Event

INTERNAL_TYPES = frozenset({"note", "delivery_failed", "packet", "assigned_internal"})


def is_customer_visible(event: Event) -> bool:
    if event.type in INTERNAL_TYPES or event.data.get("internal") is True:
        return False
    return not event.type.startswith("internal")


def customer_events(events: Iterable[Event]) -> list[dict[str, Any]]:
    return [_public(e) for e in events if is_customer_visible(e)]


def _public(event: Event) -> dict[str, Any]:
    out = event.as_dict()
    out.pop("internal", None)
    return out


def event_text(event: Event, lang: str | None) -> str | None:
    """What a text-only channel (WeChat) says for an event pushed outside a bot turn."""
    d = event.data
    if not is_customer_visible(event):
        return None
    if event.type == "message":
        if d.get("from") == "agent" or (
            d.get("from") == "system" and d.get("reason") != "bot_unavailable"
        ):
            return str(d.get("text") or "") or None
        return None
    if event.type in {"queued", "queue_update"} and d.get("position") is not None:
        return texts.queue_text(lang, int(d["position"]), d.get("eta_seconds"))
    if event.type == "accepted":
        name = d.get("agent_name") or d.get("agent") or ""
        return texts.say(lang, texts.AGENT_JOINED, name=name)
    if event.type == "transferred":
        return str(d.get("text_for_customer") or "") or None
    if event.type == "handed_back":
        return texts.say(lang, texts.HANDED_BACK)
    if event.type == "closed":
        return texts.say(lang, texts.CLOSED) + "\n" + texts.say(lang, texts.CSAT_QUESTION)
    if event.type == "csat_request":
        return texts.say(lang, texts.CSAT_QUESTION)
    if event.type == "ticket_created":
        return str(d.get("text_for_customer") or "") or texts.say(lang, texts.TICKET)
    return None
