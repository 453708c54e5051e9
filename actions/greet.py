"""``greet``: a greeting that also asks something ("hi do u have a size chart", "哈喽 请问包邮吗")
gets the answer to what it asks, not only the hello. The greeting words are taken off and the
rest goes through the decision step (``actions._decide``) as a question; without a confident
answer the hello is said as before. A greeting around one of the customer's own products ("hey
wheres my thermos") runs that product's task first (``actions._order_routes.product_followup``),
as the same words without the hello would."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._before_reading import settled_before_reading
from actions._decide import decide_with_kb
from actions._kb_search import faq_text
from actions._order_routes import product_followup
from actions._reading import ORDER_ID, after_greeting, asks_something, is_question
from actions._services import get_services
from actions._tracker import lang_of, latest_text
from actions._two_questions import words_flow

MIN_QUESTION = 4  # characters left after the greeting to be worth searching


def asked_with_greeting(text: str) -> str | None:
    """What a greeting asks besides the hello ("do u have a size chart"), else None."""
    rest = after_greeting(text)
    # (any question word: "晚上十一点多还有客服在线吗 我下班比较晚" asks, its 吗 mid-message)
    if len(rest) < MIN_QUESTION or not (is_question(rest) or asks_something(rest)):
        return None
    return rest


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        text = latest_text(tracker)
        if (
            settled := await settled_before_reading(get_services(), dispatcher, tracker, text)
        ) is not None:
            # "对，申请退吧，吊牌都还在" (the NLU's hello, 0.55) right after the return was filed
            return settled
        if ORDER_ID.search(text) and (form := words_flow(text)):
            # "早上好呀 把20231120003的运单号发我一下": a hello and a task on a named order — the
            # task (its form checks the order is theirs)
            return [FollowupAction(form)]
        if len(after_greeting(text)) >= MIN_QUESTION and (
            followup := await product_followup(tracker)
        ):
            return followup
        if after_greeting(text) == text.strip() and asked_with_greeting(text) is not None:
            # no greeting in it at all ("在哪点申请" after the price-protection answer, read as
            # a hello): a question — the FAQ action's, with its follow-up reading
            return [FollowupAction("action_answer_faq")]
        asked = asked_with_greeting(text)
        if asked is not None:
            decision = await decide_with_kb(get_services(), asked, "ask_faq", lang)
            if decision.source == "kb" and decision.hit is not None:
                dispatcher.utter_message(
                    text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
                )
                return []
        dispatcher.utter_message(response="utter_greet")
        return []
