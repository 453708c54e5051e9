"""A tapped "您想问的是… / Did you mean…" suggestion names its FAQ: the button's payload is
``/faq_pick{"faq_id":"<id>"}``, which Rasa reads as the intent ``faq_pick`` with the entity
``faq_id`` without asking the NLU (Rasa's own convention for buttons). So a tap is answered with
that FAQ — it is never re-classified, and "我的订单多久发货" as a suggestion does not start an
order flow.

The FAQ is looked up by id in the live knowledge base's published version
(``knowledge_base.Searcher.get``): a hand-typed ``/faq_pick{...}`` reaches nothing an editor has
not published. An id that is gone (deleted since the suggestion was shown) or malformed gets a
polite reply that offers a person. The answer counts as a direct hit: ``faq_id`` on the message
(the conversation's facts list it) and the FAQ misses reset.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._kb_search import faq_text, ready_searcher
from actions._services import Services
from actions._text import person_button, say
from actions._tracker import lang_of
from kefu.logging import get_logger
from knowledge_base.api import Hit

__all__ = ["PICK_INTENT", "answer_pick", "is_pick", "pick_payload", "suggestions"]

log = get_logger(__name__)

PICK_INTENT = "faq_pick"
MAX_ID = 64  # FAQ ids are short; anything longer is not one of ours


def pick_payload(faq_id: str) -> str:
    """The payload of a suggestion button that names FAQ ``faq_id``."""
    entities = json.dumps({"faq_id": faq_id}, ensure_ascii=False, separators=(",", ":"))
    return f"/{PICK_INTENT}{entities}"


def suggestions(lang: str, hits: list[Hit]) -> tuple[str, list[dict[str, str]]]:
    """The "您想问的是… / Did you mean…" line and its buttons, one per FAQ of ``hits``: a tap
    names the FAQ, answered as it is, never re-classified."""
    text = say(
        lang,
        "您想问的是下面哪个问题呢？点一下就能看到答案哦～",
        "Did you mean one of these? Tap one to see the answer.",
    )
    buttons = [
        {"title": faq_text(lang, h.question), "payload": pick_payload(h.faq_id)} for h in hits
    ]
    return text, buttons


def is_pick(tracker: Tracker) -> bool:
    """The latest message is a tapped suggestion."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name") == PICK_INTENT


def _picked_id(tracker: Tracker) -> str | None:
    """The FAQ id the latest message names, if it is a plausible one (a hostile payload may
    carry a number, a list or a megabyte)."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == "faq_id":
            value = entity.get("value")
            if isinstance(value, str) and 0 < len(value.strip()) <= MAX_ID:
                return value.strip()
            return None
    return None


async def _lookup(services: Services, faq_id: str) -> tuple[Hit | None, bool]:
    """(the published FAQ or None, whether the knowledge base could be asked at all)."""
    try:
        searcher = await ready_searcher(services)
        if searcher is None:
            return None, False
        return await asyncio.to_thread(searcher.get, faq_id), True
    except Exception as exc:  # the knowledge base must never take the chat down
        log.warning("kb lookup failed", error=f"{type(exc).__name__}: {exc}")
        return None, False


async def answer_pick(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[dict[str, Any]]:
    """Answer the tapped suggestion (or say politely that it is gone); the events to return."""
    lang = lang_of(tracker)
    faq_id = _picked_id(tracker)
    hit, asked = await _lookup(services, faq_id) if faq_id else (None, True)
    if hit is not None:
        # faq_id rides in the bot event's metadata: the conversation's facts list it
        dispatcher.utter_message(text=faq_text(lang, hit.answer), faq_id=hit.faq_id)
        return [SlotSet("faq_misses", 0), SlotSet("faq_id", None)]
    if not asked:
        text = say(
            lang,
            "小蜜正在准备知识库，请过几秒钟再点一次哦～",
            "I'm still getting my answers ready — please tap it again in a few seconds.",
        )
    else:
        log.info("tapped suggestion not found", faq_id=(faq_id or "")[:MAX_ID])
        text = say(
            lang,
            "抱歉，小蜜找不到这个问题的答案了（可能刚刚更新过）。您可以把问题再说一次，"
            "或者点下面的按钮转人工客服～",
            "Sorry, I can't find that answer any more (it may have just been updated). You can "
            "ask your question again, or tap below to talk to an agent.",
        )
    dispatcher.utter_message(text=text, buttons=[person_button(lang)])
    return [SlotSet("faq_id", None)]
