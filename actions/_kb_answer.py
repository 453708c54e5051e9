"""A message the NLU did not place, answered from the knowledge base when it can be: two
questions in one message, the decision step in the conversation's context, a sentence of the FAQ
answer just given ("一单最多能抵多少"), or a question's likely answer (``actions._decide``).
Shared by the fallback, out-of-scope, ``request_human`` (the agents' hours) and a ticket's check."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._decide import likely_best, no_flow_service
from actions._follow_up import decide_in_context
from actions._kb_search import faq_text, say_likely, search_kb, second_sure
from actions._orders import task_topic
from actions._reading import is_own_case, is_question
from actions._said_before import (
    answer_naming_it,
    said_before,
    said_before_reply,
    said_instead,
)
from actions._services import get_services
from actions._splitting import asks_more_than_once
from actions._tracker import (
    lang_of,
    latest_text,
    previous_answer_text,
    previous_customer_text,
    previous_faq_answer,
)
from actions._two_questions import answer_parts


async def answered_from_kb(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> bool:
    """Answer from the knowledge base when the decision step gives it the message."""
    lang = lang_of(tracker)
    text = latest_text(tracker)
    answered = previous_answer_text(tracker)
    if await answer_parts(get_services(), dispatcher, text, lang, answered=answered) is not None:
        return True  # two questions in one message: both heard (actions._two_questions)
    previous = previous_customer_text(tracker)
    decision = await decide_in_context(
        get_services(),
        text,
        intent,
        lang,
        previous,
        previous_answer_text(tracker),
        task_topic(tracker, lang),
    )
    last_faq = previous_faq_answer(tracker)
    if decision.source == "kb" and decision.hit is not None:
        if sentence := said_instead(text, last_faq, decision.hit):
            # "what about an address in qinghai province" after the free-shipping answer
            dispatcher.utter_message(text=said_before_reply(lang, sentence))
            return True
        dispatcher.utter_message(
            text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
        )
        if asks_more_than_once(text):  # (the cheap test first: a second search)
            hits, thresholds = await search_kb(get_services(), text, lang, record=False)
            if other := second_sure(text, hits, thresholds, decision.hit):
                dispatcher.utter_message(text=faq_text(lang, other.answer), faq_id=other.faq_id)
        return True
    if (sentence := said_before(text, last_faq)) is not None:
        # "also please make sure no receipt with prices goes in the parcel" right after the
        # gift-wrap answer: the sentence of it that says so (actions._said_before)
        dispatcher.utter_message(text=said_before_reply(lang, sentence))
        return True
    # a question — or a report of a call from someone claiming to be the shop ("自称你们售后…
    # 让我把验证码念给他"), whose answer is the shop's anti-fraud rule (rule 2c)
    service = no_flow_service(text)
    asks = (is_question(text) and not is_own_case(text)) or service
    if not (asks or last_faq):
        return False  # nothing below can answer it: no second search
    # searched again, not recorded again: the decision's search kept it for the editors
    hits, thresholds = await search_kb(get_services(), text, lang, record=False)
    if (naming := answer_naming_it(text, last_faq, hits)) is not None:
        # "我那个是秒杀抢的" after price protection: its exceptions, which name 秒杀
        dispatcher.utter_message(text=faq_text(lang, naming.answer), faq_id=naming.faq_id)
        return True
    if asks and likely_best(text, hits, thresholds, service=service):
        # a question the NLU could not place, far ahead of the rest below *choose*: the likely
        # answer, its question named ("2 store vouchers on one order and it only takes one of
        # them, is that normal??"; actions._decide, rule 3)
        say_likely(dispatcher, lang, hits[0])
        return True
    return False
