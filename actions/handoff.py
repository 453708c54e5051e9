"""``request_human``, the fallback and out-of-scope: a customer who asks for a person gets one;
two misses in a row, or a clearly angry message, start a handoff too. Before a miss is a miss,
the knowledge base is asked (``actions._decide``): a shop question the NLU did not place is
answered from it. A VIP is offered a person at the first miss (a button and a sentence)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._answers import wants_spec_change
from actions._decide import (
    ORDER_ID as _ORDER_ID,
)
from actions._decide import (
    faq_text,
    is_own_case,
    own_order_intent,
    own_state_flow,
    wants_to_leave,
)
from actions._follow_up import decide_in_context, is_elliptical
from actions._handoff import is_vip, person_asked, start_handoff
from actions._orders import FLOW_FORMS, corrected_task, last_flow, orders_named
from actions._services import get_services
from actions._text import asks_for_person, is_angry, is_thanks, person_button, say, vip_offer
from actions._tracker import lang_of, latest_text, previous_customer_text, previous_user_intent
from actions._two_questions import about_flow, answer_parts, words_flow
from shop import is_quality_reason

_TRACKING = re.compile(r"到哪|物流|快递|签收|簽收|收到|到了|where|track|deliver|arriv", re.I)


CLOSING = frozenset({"goodbye", "thank"})
FALLBACK_GUESS = 0.3  # the NLU's best flow below its fallback threshold, still worth following
WORDS_FLOOR = 0.1  # a flow the customer's own words name is worth following from here
# The order tasks a message naming a product may run: the flows, and the refund's state.
PRODUCT_FLOWS = {**FLOW_FORMS, "check_refund": "action_check_refund"}


def _named_flow(text: str, ranking: list[dict[str, Any]]) -> str | None:
    """Of the NLU's candidate order tasks (at least ``WORDS_FLOOR``), the likeliest one the
    customer's own words name ("发票", "cancel", "钱…退了没"), else None."""
    return next(
        (
            PRODUCT_FLOWS[str(item["name"])]
            for item in ranking
            if item.get("name") in PRODUCT_FLOWS
            and float(item.get("confidence") or 0.0) >= WORDS_FLOOR
            and about_flow(PRODUCT_FLOWS[str(item["name"])], text)
        ),
        None,
    )


def _guessed_flow(tracker: Tracker) -> str | None:
    """The flow the NLU ranks most likely for a message naming an order id when it fell back
    or read it as something else ("跑步鞋还没到 能先申请退货吗 20231120003": a return at 0.49;
    "那单2023…发票抬头开错了": an invoice at 0.28 behind "inform", which its words name), if it
    is not a wild guess (``actions._decide.own_order_intent``; without one the order's own
    case is looked up)."""
    text = latest_text(tracker)
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    if _ORDER_ID.search(text) and (named := _named_flow(text, ranking)):
        return named
    flow = own_order_intent(text, ranking, FLOW_FORMS, FALLBACK_GUESS)
    return FLOW_FORMS[flow] if flow else None


def answered_this_turn(tracker: Tracker) -> bool:
    """The bot already answered the latest message (a flow this fallback started with a
    ``FollowupAction``): Rasa's core fallback is predicted again after a flow no rule ends, and
    following up once more would repeat the answer ("打错了 是2023…" got the refund line five
    times)."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    return bool(users) and any(e.get("event") == "bot" for e in events[users[-1] + 1 :])


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


def order_followup(tracker: Tracker) -> list[dict[str, Any]] | None:
    """A message naming an order id that no rule placed runs the flow the NLU ranked first for
    it, if that is a flow; else ("不对，是20231120004那单" after a flow) the customer's last
    flow again on the order now named; without one, a quality problem with the item starts its
    return, else the order's own case is looked up (its delivery when the message asks where
    it is, else its status)."""
    text = latest_text(tracker)
    if not _ORDER_ID.search(text):
        return None
    # "不对不对 我要查的是跑步鞋那单 2023…": a correction names the order for the last flow
    if corrected := corrected_task(tracker, text):
        return [FollowupAction(corrected)]
    if (guessed := _guessed_flow(tracker)) is not None:
        return [FollowupAction(guessed)]
    if previous := last_flow(tracker):
        return [FollowupAction(previous)]
    if is_quality_reason(text):
        # "牛仔裤才穿一次就开线了，2023…，这质量也太差了": a quality problem with the item is a
        # return for quality (15 days from delivery; the return flow says what is still
        # possible after that, a repair under warranty included), not the order's status.
        return [FollowupAction("return_form")]
    return [FollowupAction("shipment_form" if _TRACKING.search(text) else "order_status_form")]


_STATUS = re.compile(r"发货|發貨|出货|出貨|寄出|\bship|\bstatus\b|\bupdate\b|\bnews\b", re.I)


async def product_followup(tracker: Tracker) -> list[dict[str, Any]] | None:
    """A message the NLU could not place that names a product of the customer's own orders
    ("hey where are my earbuds??") runs the flow the NLU ranked likeliest for it, or — when it
    asks where the product is or whether it shipped — its tracking or status; the form then
    finds the order by that product (``actions._products``)."""
    text = latest_text(tracker)
    previous = corrected_task(tracker, text) or (
        last_flow(tracker) if is_elliptical(text) else None
    )
    if previous and await orders_named(get_services(), tracker):
        # "不对 我说的是另一单 那个手环", "餐具那个呢": the last task again, on the order of the
        # product now named — the order id of the one before is forgotten, so the flow finds
        # the new one.
        return [SlotSet("order_id", None), FollowupAction(previous)]
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    likely = [
        PRODUCT_FLOWS[str(item["name"])]
        for item in ranking
        if item.get("name") in PRODUCT_FLOWS
        and float(item.get("confidence") or 0.0) >= FALLBACK_GUESS
    ]
    # Of the NLU's candidate flows, the one the customer's words name: "pls cancel my earbuds
    # order" is a cancel, though the NLU ranked a repair (0.40) a hair above it (0.39); "…餐具
    # 那钱到底退了没" asks for the refund (0.11) though a status (0.45) was likelier. A flow
    # the words name needs only ``WORDS_FLOOR``; else the likeliest flow is run.
    guessed = _named_flow(text, ranking) or (likely[0] if likely else None)
    if guessed is None and not (_TRACKING.search(text) or _STATUS.search(text)):
        # "牛仔裤穿着不好看 还能退吗": the NLU placed no flow, the words name one (退), and the
        # product is theirs — the flow its words name.
        guessed = words_flow(text)
        if guessed is None:
            return None
    if not await orders_named(get_services(), tracker):
        return None
    if guessed is None:
        guessed = "shipment_form" if _TRACKING.search(text) else "order_status_form"
    return [FollowupAction(guessed)]


async def answered_from_kb(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> bool:
    """Answer from the knowledge base when the decision step gives it the message."""
    lang = lang_of(tracker)
    text = latest_text(tracker)
    if await answer_parts(get_services(), dispatcher, text, lang) is not None:
        return True  # two questions in one message: both heard (actions._two_questions)
    previous = previous_customer_text(tracker)
    decision = await decide_in_context(get_services(), text, intent, lang, previous)
    if decision.source == "kb" and decision.hit is not None:
        dispatcher.utter_message(
            text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
        )
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
        if await answered_from_kb(dispatcher, tracker, "out_of_scope"):
            return []
        dispatcher.utter_message(
            response="utter_out_of_scope", buttons=[person_button(lang_of(tracker))]
        )
        return []


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
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
        followup = None if is_angry(text) else order_followup(tracker)
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
        if wants_to_leave(text) or is_thanks(text):
            # "好吧 那算了", "謝謝 我去改", "唔該晒" after an answer: no miss, no rephrasing.
            dispatcher.utter_message(
                text=say(
                    lang,
                    "好的～还有什么可以帮您的吗？",
                    "Sure — is there anything else I can help with?",
                )
            )
            return []
        if previous_user_intent(tracker) == "nlu_fallback":
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
