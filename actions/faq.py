"""``ask_faq`` and ``product_inquiry``: answers from the knowledge base. A confident hit is
answered; a near miss offers the two closest questions; a second miss offers a person, and so
does a VIP's first miss."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._handoff import is_vip, start_handoff
from actions._services import get_services
from actions._text import is_angry, say
from actions._tracker import lang_of, latest_text
from kefu.logging import get_logger

log = get_logger(__name__)


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        query = latest_text(tracker).strip()
        if query.startswith("/"):  # a button payload: nothing to search for
            query = ""
        warming = False
        try:
            # The knowledge base is synchronous (an encoder on the CPU): keep it off the loop.
            searcher = await asyncio.to_thread(lambda: services.searcher)
            warming = bool(query) and services.knowledge_base_missing() is not None
            hits = await asyncio.to_thread(searcher.search, query, lang, 3) if query else []
            thresholds = searcher.thresholds
        except Exception as exc:  # the knowledge base must never take the chat down
            log.warning("kb search failed", error=f"{type(exc).__name__}: {exc}")
            hits, thresholds = [], None
        if warming and not hits:
            # Our own warm-up (index not built yet) is not the customer's miss: no count, no
            # handoff, and nothing logged as an unanswered question.
            dispatcher.utter_message(
                text=say(
                    lang,
                    "小蜜正在准备知识库，请过几秒钟再问一次哦～",
                    "I'm still getting my answers ready — please ask again in a few seconds.",
                )
            )
            return []
        misses = int(tracker.get_slot("faq_misses") or 0)
        if hits and thresholds and hits[0].score >= thresholds.confident:
            dispatcher.utter_message(text=hits[0].answer)
            return [SlotSet("faq_misses", 0)]
        tried = [
            {"faq_id": h.faq_id, "question": h.question, "score": round(h.score, 3)} for h in hits
        ]
        if misses >= 1 or is_angry(query):
            events = await start_handoff(
                services,
                dispatcher,
                tracker,
                reason="low_confidence",
                priority="normal",
                skill_group="presale",
                summary=f"FAQ 未命中 / no FAQ answer: {query[:200]}",
                faq_tried=tried,
                lead=(
                    "抱歉，这个问题小蜜没能找到准确的答案，为您转接人工客服来解答～",
                    "Sorry, I couldn't find a good answer to that — let me get a human agent.",
                ),
            )
            return [*events, SlotSet("faq_misses", 0)]
        if await is_vip(services, tracker):
            events = await start_handoff(
                services,
                dispatcher,
                tracker,
                reason="vip",
                priority="normal",  # the handoff service raises it by the VIP level
                skill_group="presale",
                summary=f"VIP 客户 FAQ 未命中 / VIP customer, no FAQ answer: {query[:200]}",
                faq_tried=tried,
                lead=(
                    "抱歉，这个问题小蜜没能找到准确的答案～"
                    "为了不耽误您的时间，马上为您转接人工客服来解答～",
                    "Sorry, I couldn't find a good answer to that — so you don't have to wait, "
                    "I'll get a human agent to help right away.",
                ),
            )
            return [*events, SlotSet("faq_misses", 0)]
        close = [h for h in hits if thresholds and h.score >= thresholds.choose][:2]
        if close:
            dispatcher.utter_message(
                text=say(
                    lang,
                    "您想问的是下面哪个问题呢？点一下就能看到答案哦～",
                    "Did you mean one of these? Tap one to see the answer.",
                ),
                buttons=[{"title": h.question, "payload": h.question} for h in close],
            )
        else:
            dispatcher.utter_message(
                text=say(
                    lang,
                    "抱歉，小蜜没找到这个问题的答案呢～可以换个说法，或者说得具体一点吗？",
                    "Sorry, I couldn't find an answer to that. Could you rephrase it or add a "
                    "detail?",
                )
            )
        return [SlotSet("faq_misses", misses + 1)]
