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

# What a customer may see of each event type: an allow-list. A type not listed here (agents'
# notes, delivery failures, anything handoff adds later) never leaves the gateway, and of a
# listed type only these fields do — a transfer's internal reason or the agent's account stay in.
_PARTICIPANT = frozenset(
    {
        "agent_name",
        "agent_name_hant",
        "agent_name_en",
        "text_for_customer",
        "text_for_customer_hant",
        "text_for_customer_en",
    }
)
PUBLIC_FIELDS: dict[str, frozenset[str]] = {
    "message": frozenset(
        {
            "from",
            "text",
            "buttons",
            "agent_name",
            "agent_name_hant",
            "agent_name_en",
            "kind",
            "attachment",
        }
    ),
    "queued": frozenset({"position", "eta_seconds"}),
    "queue_update": frozenset({"position", "eta_seconds"}),
    "accepted": frozenset({"agent_name"}),
    "transferred": frozenset(
        {
            "text_for_customer",
            "text_for_customer_hant",
            "text_for_customer_en",
            "agent_name",
            "position",
            "eta_seconds",
        }
    ),
    # 强插: a lead joins or leaves the agent's chat (handoff.participation) — their title and
    # name and the line the customer reads, never their account
    "participant_joined": _PARTICIPANT,
    "participant_left": _PARTICIPANT,
    "handed_back": frozenset(),
    "left_queue": frozenset({"cause"}),  # gave up on the queue: back to the bot, a ticket
    "closed": frozenset(),
    "csat_request": frozenset(),
    "csat": frozenset({"score", "comment"}),
    "ticket_created": frozenset({"ticket_id", "text_for_customer"}),
    "reopened": frozenset(),
    "ticket_update": frozenset(
        {
            "ticket_id",
            "status",
            "text_for_customer",
            "text_for_customer_en",
            "text_for_customer_hant",
        }
    ),
}
PUBLIC_ATTACHMENT = frozenset({"title", "label", "pic_url"})


def is_customer_visible(event: Event) -> bool:
    return event.type in PUBLIC_FIELDS and event.data.get("internal") is not True


def customer_events(events: Iterable[Event]) -> list[dict[str, Any]]:
    return [public_event(e) for e in events if is_customer_visible(e)]


def public_event(event: Event) -> dict[str, Any]:
    """``{"seq", "type", "ts", …}`` with only the fields a customer may see."""
    allowed = PUBLIC_FIELDS[event.type]
    out: dict[str, Any] = {"seq": event.seq, "type": event.type, "ts": event.ts}
    for key, value in event.data.items():
        if key in allowed:
            out[key] = value
    if isinstance(out.get("attachment"), dict):
        out["attachment"] = {k: v for k, v in out["attachment"].items() if k in PUBLIC_ATTACHMENT}
    if event.type == "accepted" and not out.get("agent_name"):
        # Without a display name the customer sees the agent's account name, nothing more.
        out["agent_name"] = str(event.data.get("agent") or "")
    return out


def event_text(event: Event, lang: str | None) -> str | None:
    """What a text-only channel (WeChat) says for an event pushed outside a bot turn."""
    d = event.data
    if not is_customer_visible(event):
        return None
    if event.type == "message":
        if d.get("participant") is True:  # a lead who joined (强插): their title and name first
            field = {"en": "agent_name_en", "zh-Hant": "agent_name_hant"}.get(str(lang), "")
            name = str(d.get(field) or d.get("agent_name") or "")
            return f"{name}: {d.get('text') or ''}" if name else str(d.get("text") or "") or None
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
    if event.type in {"transferred", "participant_joined", "participant_left"}:
        field = {"en": "text_for_customer_en", "zh-Hant": "text_for_customer_hant"}.get(
            str(lang), "text_for_customer"
        )
        return str(d.get(field) or d.get("text_for_customer") or "") or None
    if event.type == "handed_back":
        return texts.say(lang, texts.HANDED_BACK)
    if event.type == "closed":
        return texts.say(lang, texts.CLOSED) + "\n" + texts.say(lang, texts.CSAT_QUESTION)
    if event.type == "csat_request":
        return texts.say(lang, texts.CSAT_QUESTION)
    if event.type == "ticket_update":
        key = {"en": "text_for_customer_en", "zh-Hant": "text_for_customer_hant"}.get(
            str(lang), "text_for_customer"
        )
        return str(d.get(key) or d.get("text_for_customer") or "") or None
    if event.type == "ticket_created":
        return str(d.get("text_for_customer") or "") or texts.say(lang, texts.TICKET)
    return None
