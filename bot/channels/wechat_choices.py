"""Buttons on WeChat, a text-only channel: the bot's quick-reply buttons are shown as numbered
lines ("1. 七天无理由退货怎么算"), and a customer who answers with a number — or types a line's
text — taps that button: the message sent on is the button's payload (e.g. a suggestion's
``/faq_pick{"faq_id":"…"}``), exactly what the web page sends; the conversation shows its title
(``bot.taps``, one rule for every channel).

The buttons are read back from the conversation's own log (the bot's replies of the last turn,
as ``bot.routing`` stored them), so nothing extra is kept; a number means a button only while
the bot owns the conversation and the customer has not written since those replies.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.taps import RECENT_EVENTS, last_turn_buttons
from handoff.conversation import Conversations, Owner

__all__ = ["Choice", "chosen", "numbered_lines"]

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.。、)）]?\s*$")
_LEADING_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.。、)）]\s*")


@dataclass(frozen=True)
class Choice:
    payload: str
    title: str


def numbered_lines(buttons: list[dict[str, Any]], start: int = 1) -> list[str]:
    """The buttons as the customer reads them on WeChat, numbered from ``start``."""
    titles = [str(b.get("title") or "") for b in buttons if b.get("title")]
    return [f"{start + i}. {t}" for i, t in enumerate(titles)]


async def chosen(conversations: Conversations, conv_id: str, content: str) -> Choice | None:
    """The button the customer chose by typing its number or its text, if any."""
    text = unicodedata.normalize("NFKC", content).strip()  # "１" typed full-width is "1"
    if not text or len(text) > 200:
        return None
    state = await conversations.state(conv_id)
    if state.owner != Owner.BOT:
        return None  # a person reads this conversation: "1" is for them
    buttons = last_turn_buttons(await conversations.recent(conv_id, RECENT_EVENTS))
    if not buttons:
        return None
    picked: dict[str, Any] | None = None
    if m := _NUMBER.match(text):
        index = int(m.group(1)) - 1
        picked = buttons[index] if 0 <= index < len(buttons) else None
    else:
        bare = _LEADING_NUMBER.sub("", text)
        picked = next((b for b in buttons if str(b.get("title")).strip() == bare), None)
    if picked is None or not picked.get("payload"):
        return None
    return Choice(str(picked["payload"]), str(picked["title"]))
