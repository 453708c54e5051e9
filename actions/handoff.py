"""``request_human``, the fallback and out-of-scope: a customer who asks for a person gets one;
two misses in a row, or a clearly angry message, start a handoff too. Before a miss is a miss,
the knowledge base is asked (``actions._decide``): a shop question the NLU did not place is
answered from it. A VIP is offered a person at the first miss (a button and a sentence)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._again import say_again
from actions._answers import wants_spec_change
from actions._decide import likely_best, no_flow_service, own_state_flow
from actions._escalate import insists_after_offer, will_wait
from actions._filed import already_changed, already_filed, confirmed_change, confirmed_filing
from actions._follow_up import decide_in_context
from actions._handoff import is_vip, person_asked, start_handoff
from actions._kb_search import faq_text, say_likely, search_kb
from actions._order_routes import order_detail_followup, order_followup, product_followup
from actions._orders import asked_to_log_in, task_topic, why_log_in
from actions._photos import photos_ready
from actions._reading import ORDER_ID, is_own_case, is_question, wants_to_leave
from actions._said_before import answer_naming_it, said_before, said_before_reply
from actions._services import get_services
from actions._text import (
    asks_about_agent_hours,
    asks_for_person,
    complains_now,
    is_angry,
    is_thanks,
    only_leaving,
    person_button,
    say,
    vip_offer,
)
from actions._tracker import (
    answered_this_turn,
    lang_of,
    latest_text,
    previous_answer_text,
    previous_customer_text,
    previous_faq_answer,
    previous_was_miss,
)
from actions._two_questions import answer_parts, words_flow

CLOSING = frozenset({"goodbye", "thank"})


def _closing(tracker: Tracker) -> bool:
    """The NLU fell back torn between thanks and goodbye ("謝謝你 掰掰": 0.50 / 0.43): together
    they are the customer saying goodbye, not a message the bot failed to understand."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    best = [r for r in ranking if r.get("name") != "nlu_fallback"][:2]
    return (
        len(best) == 2
        and all(r.get("name") in CLOSING for r in best)
        and sum(float(r.get("confidence") or 0.0) for r in best) >= 0.6
    )


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
    if decision.source == "kb" and decision.hit is not None:
        dispatcher.utter_message(
            text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
        )
        return True
    last_faq = previous_faq_answer(tracker)
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


async def angry_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> list[dict[str, Any]]:
    """A clearly angry message: an apology and a person at once (high priority)."""
    return await start_handoff(
        get_services(),
        dispatcher,
        tracker,
        reason="negative_sentiment",
        priority="high",
        summary=f"客户情绪激动 / angry customer: {text[:200]}",
        lead=(
            "非常抱歉让您不愉快了！我马上为您转接人工客服，请稍等～",
            "I'm really sorry about this! Let me get a human agent for you right away.",
        ),
    )


def anything_else(dispatcher: CollectingDispatcher, lang: str) -> list[dict[str, Any]]:
    """The customer is done or drops the matter: no miss, no rephrasing — "anything else?"."""
    dispatcher.utter_message(
        text=say(
            lang, "好的～还有什么可以帮您的吗？", "Sure — is there anything else I can help with?"
        )
    )
    return []


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
        if asks_for_person(text):
            return await person_asked(get_services(), dispatcher, tracker, text)
        if is_angry(text):
            return await angry_handoff(dispatcher, tracker, text)
        if (followup := await product_followup(tracker)) is not None:
            # "hi where are my running shoes" placed out of scope: a product of their own
            # orders, named with a task's words — that task, on it.
            return followup
        if ORDER_ID.search(text) and (form := words_flow(text)):
            # "20231120021 这单到哪了 帮我朋友问的": an order id with a task's words is that
            # task; the form checks the order is theirs ("not found" if not — never its data).
            return [FollowupAction(form)]
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
        if asks_about_agent_hours(latest_text(tracker)) and await answered_from_kb(
            dispatcher,
            tracker,
            "ask_faq",  # a question, whatever the NLU read
        ):
            return []  # "客服几点有真人在": the agents' hours, not a person now
        return await start_handoff(
            get_services(),
            dispatcher,
            tracker,
            reason="explicit_request",
            priority="normal",
            summary="客户要求转人工 / customer asked for a human",
        )


class ActionFallback(Action):
    """Runs on ``nlu_fallback``: rephrase once; angry, second miss or a VIP → a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if answered_this_turn(tracker):
            return [FollowupAction("action_listen")]  # one answer per message
        lang = lang_of(tracker)
        text = latest_text(tracker)
        if asks_for_person(text):
            return await person_asked(get_services(), dispatcher, tracker, text)
        if complains_now(text):
            return [FollowupAction("action_file_complaint")]
        if say_again(dispatcher, tracker, lang):
            return []
        if record := confirmed_filing(tracker, text):
            dispatcher.utter_message(text=already_filed(lang, record))
            return []
        if changed := confirmed_change(tracker, text):
            dispatcher.utter_message(text=already_changed(lang, changed))
            return []
        if insists_after_offer(tracker, text) and not is_thanks(text):
            # "都10天了还没到 你们帮我查一下" after "…超过时限请点转人工": a person, not a miss.
            return await start_handoff(
                get_services(),
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
        followup = None if is_angry(text) else order_followup(tracker)
        if followup is None and not is_angry(text):
            followup = order_detail_followup(tracker)  # "單號畀我吖" after the status
        if followup is not None:
            return followup
        if is_own_case(text) and wants_spec_change(text):
            # "那件大衣M码我怕小 能换成L吗 还没发货吧": their own order's size, not the exchange
            # FAQ, nor the status its "还没发货吧" sounds like
            return [FollowupAction("change_form")]
        if not is_angry(text) and (followup := await product_followup(tracker)):
            return followup
        if not is_angry(text) and (state_form := own_state_flow(text)):
            return [FollowupAction(state_form)]  # "发票开了没": the shop's data answers it
        if not is_angry(text) and await answered_from_kb(dispatcher, tracker, "nlu_fallback"):
            return []
        if is_angry(text):
            return await angry_handoff(dispatcher, tracker, text)
        if _closing(tracker):
            dispatcher.utter_message(response="utter_goodbye")
            return []
        if photos_ready(dispatcher, tracker, lang):
            return []  # "照片我都拍好了" after the wrong-item rule asked for photos
        if wants_to_leave(text) or is_thanks(text) or will_wait(text):
            # "好吧 那算了", "謝謝 我去改", "唔該晒" after an answer: no miss, no rephrasing.
            return anything_else(dispatcher, lang)
        if asked_to_log_in(tracker):
            # "its my order, my name is emily", "我就是买家啊 手机号138开头的" after "please log
            # in": a name or a phone in the chat proves nothing; say why, and offer a person.
            # (Not "了解" / "ok": thanks are answered above.)
            why_log_in(dispatcher, lang)
            return []
        if previous_was_miss(tracker):
            return await start_handoff(
                get_services(),
                dispatcher,
                tracker,
                reason="repeated_fallback",
                priority="normal",
                summary=f"连续两次未理解 / two fallbacks in a row: {text[:200]}",
                lead=(
                    "抱歉呀，小蜜还是没能理解您的问题，为您转接人工客服来帮您～",
                    "Sorry, I still didn't understand — I'll bring in a human agent to help.",
                ),
            )
        dispatcher.utter_message(
            text=say(
                lang,
                "抱歉，小蜜没太理解您的意思，可以换个说法再描述一下吗？"
                "比如“查订单”“退货”“开发票”～",
                "Sorry, I didn't quite get that. Could you say it another way? "
                'For example "track my order", "return an item" or "invoice".',
            )
            + (f"\n{vip_offer(lang)}" if await is_vip(get_services(), tracker) else ""),
            buttons=[person_button(lang)],
        )
        return []


class ActionDefaultFallback(ActionFallback):
    """Rasa's core fallback (no rule or story for the message, e.g. an order id after a flow
    ended): the same decision as ``action_fallback``. Like Rasa's own, a reply ends with
    ``UserUtteranceReverted`` so the policies listen again instead of predicting it anew."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        events = await super().run(dispatcher, tracker, domain)
        if any(e.get("event") == "followup" for e in events):
            return events
        return [UserUtteranceReverted(), *events]  # then our slots (misses, handoff) stay
