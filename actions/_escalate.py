"""A customer who comes back insisting after the bot offered a person gets one.

When the bot cannot settle something itself it says what it knows and offers a person (the
"转人工客服" button): a refund paid out that never arrived, a return past its window, a repair out
of warranty. A customer who then insists — time gone by ("都10天了"), still nothing ("还是没到"),
or asks for it to be checked ("你们帮我查一下", "can you look into it") — would only get the same
answer again or a "didn't understand"; a person takes the chat instead (the fallback,
``actions.fallback``, and out of scope: "its been two days now and the extra charge is still
sitting on my card" after the double charge's "if it hasn't come back after 24 hours…")."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._handoff import start_handoff
from actions._payment_rules import WAITED
from actions._services import Services
from actions._text import is_thanks
from actions._tracker import last_replies
from kefu.mandarin import to_mandarin

__all__ = ["insisted_handoff", "insists_after_offer", "will_wait"]

PERSON_PAYLOAD = "/request_human"
_INSISTS = re.compile(
    r"帮我查|帮忙查|查一下|查查|核实|处理一下|赶紧|快点|还没到|还是没|一直没|都没|还没有?收到|"
    r"\bstill\b|\bcheck (?:it|this|on it|please|pls)\b|\blook into\b|\bsort (?:it|this) out\b|"
    r"\bnothing yet\b|\bnot yet\b",
    re.IGNORECASE,
)


# "那我再等两天看看", "ok i'll give it a few more days": the customer will wait (or try again),
# not insist
_WILL_WAIT = re.compile(
    r"再等|等等看|先等|等[两二三几\d]+天(?:看|再说|再說)|耐心等|"
    r"\b(?:i'?ll|i will|let me|gonna) (?:wait|give it)\b|\bwait and see\b|"
    # "那我换zfb再试一把": they will try again themselves
    r"再试|重试|试一把|试试看|\b(?:i'?ll|i will|let me|gonna) try\b|\btry (?:it )?again\b",
    re.IGNORECASE,
)


def will_wait(text: str) -> bool:
    """The customer says they will wait ("那我再等两天看看"): nothing left to do now."""
    return bool(_WILL_WAIT.search(to_mandarin(text or "")))


def _offered_person(event: dict[str, Any]) -> bool:
    buttons = (event.get("data") or {}).get("buttons") or []
    return any(b.get("payload") == PERSON_PAYLOAD for b in buttons if isinstance(b, dict))


def insists_after_offer(tracker: Tracker, text: str) -> bool:
    """The bot's replies to the customer's message before this one offered a person, and this
    one insists (``WAITED`` or ``_INSISTS``)."""
    plain = to_mandarin(text or "")
    if not (WAITED.search(plain) or _INSISTS.search(plain)) or will_wait(text):
        return False
    return any(_offered_person(e) for e in last_replies(tracker))


async def insisted_handoff(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> list[dict[str, Any]] | None:
    """The handoff when the customer insists after a person was offered (not a thanks: "ok
    still thanks" ends), else None."""
    if not insists_after_offer(tracker, text) or is_thanks(text):
        return None
    return await start_handoff(
        services,
        dispatcher,
        tracker,
        reason="flow_needs_human",
        priority="high",
        summary=f"客户坚持要求处理 / customer insists: {text[:200]}",
        lead=(
            "明白，这就请人工客服帮您核实处理～",
            "Understood — I'm bringing in a person to check this for you.",
        ),
    )
