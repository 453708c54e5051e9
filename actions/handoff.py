"""``request_human`` and out-of-scope: a customer who asks for a person gets one; a clearly
angry message starts a handoff too; a shop question the NLU placed out of scope is answered from
the knowledge base (``actions._kb_answer``). The fallback is ``actions.fallback``."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._before_reading import settled_before_reading
from actions._decide import no_flow_service
from actions._escalate import insisted_handoff
from actions._handoff import ANGRY_LEAD, angry_handoff, start_handoff
from actions._kb_answer import answered_from_kb
from actions._order_routes import order_detail_followup, product_followup
from actions._orders import corrected_task, the_customer
from actions._reading import ORDER_ID, is_own_case, is_question
from actions._scam import reports_scam
from actions._services import get_services
from actions._text import (
    anything_else,
    asks_about_agent_hours,
    asks_for_person,
    is_angry,
    is_thanks,
    only_leaving,
    person_button,
)
from actions._tracker import (
    lang_of,
    latest_text,
)
from actions._two_questions import words_flow


class ActionOutOfScope(Action):
    """``out_of_scope``: a clearly angry message gets a person at once ("this is ridiculous,
    nobody tells me anything" is not small talk); a shop question the NLU misplaced is
    answered; otherwise say what the bot can do, and offer a person."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if (
            settled := await settled_before_reading(get_services(), dispatcher, tracker, text)
        ) is not None:
            # "好 就這樣提交吧" right after the return was filed: it is in, not off-topic
            return settled
        if is_angry(text):
            return await angry_handoff(get_services(), dispatcher, tracker, text, lead=ANGRY_LEAD)
        if handed := await insisted_handoff(get_services(), dispatcher, tracker, text):
            # "its been two days now and the extra charge is still sitting on my card" after
            # "if it hasn't come back after 24 hours, tap 'Talk to an agent'"
            return handed
        if (followup := await product_followup(tracker)) is not None:
            # "hi where are my running shoes" placed out of scope: a product of their own
            # orders, named with a task's words — that task, on it.
            return followup
        if (followup := order_detail_followup(tracker)) is not None:
            # "小区那几个柜子我挨个翻过 问了物业 人家说没印象" after the advice on where a parcel
            # marked delivered may be: still missing — the specialist that advice promised
            return followup
        if ORDER_ID.search(text) and (previous := corrected_task(tracker, text)):
            # "oops, one digit off: 20231120011" after "order 20231120111 not found" in the
            # refund's state: the task before, on the order now named
            return [FollowupAction(previous)]
        if ORDER_ID.search(text) and (form := words_flow(text)):
            # "20231120021 这单到哪了 帮我朋友问的": an order id with a task's words is that
            # task; the form checks the order is theirs ("not found" if not — never its data).
            return [FollowupAction(form)]
        if ORDER_ID.search(text) and is_question(text) and not no_flow_service(text):
            # "hello, what's happening with 20231120009? It vanished from my list": a question
            # about an order of their own that names no task — the order's status
            return [FollowupAction("order_status_form")]
        if (
            is_own_case(text)
            and words_flow(text) in ("shipment_form", "order_status_form")
            and the_customer(get_services(), tracker)
        ):
            # "我最近下的那几单都到哪了": where their own orders are — the tracking, which asks
            # which order (with their orders to tap), not "outside what I can help with"
            return [FollowupAction(str(words_flow(text)))]
        if await answered_from_kb(dispatcher, tracker, "out_of_scope"):
            return []
        if is_thanks(text):
            # "k", "oh found it at the front desk lol thx": the customer is done, not off-topic
            return anything_else(dispatcher, lang_of(tracker))
        dispatcher.utter_message(
            response="utter_out_of_scope", buttons=[person_button(lang_of(tracker))]
        )
        return []


# Below this, the NLU's "request_human" on an ok with no person in its words is no request.
UNSURE_PERSON = 0.8


def _confidence(tracker: Tracker) -> float:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return float(intent.get("confidence") or 0.0)


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        unsure = _confidence(tracker) < UNSURE_PERSON
        if only_leaving(text) or (unsure and is_thanks(text) and not asks_for_person(text)):
            # "哦那算了 我让她自己问", "好吧 那我让家里人帮我收" (after "shipped: the address can't
            # change"), read as a request for a person: nobody asked for one.
            return anything_else(dispatcher, lang_of(tracker))
        if (
            unsure
            and not asks_for_person(text)
            and ORDER_ID.search(text)
            and (form := words_flow(text))
        ):
            # "帮我表哥查下20231120031 寄出来没" (request_human at 0.53: 帮我…查): an order and
            # a task's words — that task; the form checks whose order it is
            return [FollowupAction(form)]
        if (
            asks_about_agent_hours(text) or (reports_scam(text) and not asks_for_person(text))
        ) and await answered_from_kb(
            dispatcher,
            tracker,
            "ask_faq",  # a question, whatever the NLU read
        ):
            # "客服几点有真人在": the agents' hours, not a person now; "有个自称你们客服的打电话
            # … 让我加qq转账" (the NLU's request_human at 0.90): a scam reported, whose answer is
            # the anti-fraud rule
            return []
        return await start_handoff(
            get_services(),
            dispatcher,
            tracker,
            reason="explicit_request",
            priority="normal",
            summary="客户要求转人工 / customer asked for a human",
        )
