"""A tapped button: people read its title, the bot reads its payload.

A customer who taps one of the bot's buttons (the web page and widget send the button's payload,
a REST client posts it as ``text``, WeChat maps a numbered reply to it) sends e.g.
``/faq_pick{"faq_id":"shp-002"}``. The payload goes to Rasa; everything a person reads — the
agent's transcript, the handoff packet, the archive, the REST events, the customer's own page
after a reload — shows the button's title. One rule for every channel, here:

- the title is looked up on the server, among the buttons the bot itself offered in this
  conversation: the last bot turn's first, then earlier bot replies of the recent log (the web
  page keeps older buttons tappable); a title a client sends along is never trusted;
- text that matches no offered button's payload is kept as typed — it is what the customer sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from handoff.conversation import Conversations, Event

__all__ = ["RECENT_EVENTS", "last_turn_buttons", "offered_title", "tapped_title"]

RECENT_EVENTS = 60  # the recent log searched for the bot's buttons (a few turns back)
MAX_PAYLOAD_CHARS = 500  # a longer text is someone's writing, not a button's payload


def last_turn_buttons(events: Iterable[Event]) -> list[dict[str, Any]]:
    """The buttons of the bot's latest replies (events newest first), in the order shown;
    [] when the customer has written since."""
    buttons: list[dict[str, Any]] = []
    for event in events:
        if event.type != "message":
            continue
        if event.data.get("from") != "bot":
            break
        shown = [b for b in event.data.get("buttons") or [] if b.get("title")]
        buttons = shown + buttons
    return buttons


def offered_title(events: Iterable[Event], text: str) -> str | None:
    """The title of the button the bot offered whose payload is ``text`` (events newest first,
    so the latest offer wins), or None."""
    wanted = text.strip()
    for event in events:
        if event.type != "message" or event.data.get("from") != "bot":
            continue
        for button in event.data.get("buttons") or []:
            title = str(button.get("title") or "").strip()
            if title and str(button.get("payload") or "").strip() == wanted:
                return title
    return None


async def tapped_title(conversations: Conversations, conversation_id: str, text: str) -> str | None:
    """The title of the bot's button the customer tapped with ``text``, if it is one. Only a
    Rasa command payload (``/intent{…}``) needs one: a plain-text payload ("尺码不合适") is
    already what people read, so ordinary messages cost no read of the log."""
    wanted = text.strip()
    if not wanted.startswith("/") or len(text) > MAX_PAYLOAD_CHARS:
        return None
    return offered_title(await conversations.recent(conversation_id, RECENT_EVENTS), text)
