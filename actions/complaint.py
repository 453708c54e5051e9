"""``file_complaint``: apologise first, hand off at once (reason ``complaint``, high priority) —
unless it is the quality problem the return flow just offered to take back ("其实是质量问题 裤脚
开线了" after "past the 7 days: 质量问题退货"), calmly said: that return; or a call from someone
claiming to be the shop, calmly asked about: the anti-fraud rule; a parcel marked delivered but
not there, calmly said: where the courier left it (the tracking flow); a correction of the order
asked about: that task on the order it now names; or a calm shop question the knowledge base
answers with confidence (a service no order flow performs: its rule).
The staff console makes every complaint a ticket, whoever is online, and the bot's next line
names it (``start_handoff``); escalation agent → team lead → supervisor is the handoff service's
job."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._decide import decide, no_flow_service
from actions._follow_up_text import is_correction
from actions._handoff import complaint_handoff
from actions._kb_answer import answered_from_kb
from actions._kb_search import faq_text, search_kb
from actions._orders import corrected_task
from actions._quality_return import quality_return_offered
from actions._reading import ORDER_ID, is_question
from actions._scam import reports_scam
from actions._services import get_services
from actions._text import asks_for_person, asks_how_to_complain, complains_now, is_angry
from actions._tracker import lang_of, latest_text
from actions.order_status import parcel_missing
from kefu.mandarin import to_mandarin

# A question that blames ("为什么还没发", "how come nobody answers") is a complaint however calm.
_BLAME = re.compile(
    r"为什么|凭什么|怎么回事|咋回事|怎么搞|搞什么|什么态度|差评|太慢|\bwhy\b|\bhow come\b|"
    r"\bwhat kind of\b",
    re.IGNORECASE,
)


async def _answered_calm_question(dispatcher: CollectingDispatcher, text: str, lang: str) -> bool:
    """A calm shop question the NLU read as a complaint ("Is possible to send a perfume bottle
    to my friend in Singapore", "箱子都压扁了 我是签还是不签", "降了三十多 你们管不管"): the
    knowledge base's confident answer, no complaint filed. Not when it blames, is angry, asks
    for a person or complains in so many words ("我要投诉")."""
    service = no_flow_service(text)
    if (
        not (is_question(text) or service)
        or is_angry(text)
        or asks_for_person(text)
        or complains_now(text)
        or _BLAME.search(to_mandarin(text))
    ):
        return False
    hits, thresholds = await search_kb(get_services(), text, lang)
    decision = decide(text, "ask_faq", hits, thresholds)
    if decision.source != "kb" or decision.hit is None or thresholds is None:
        return False
    if decision.hit.score < thresholds.confident and not service:
        # (a service no order flow performs is answered by its rule however low the search
        # put it: "今天价格掉了二十来块 这差价你们给补吗", price protection at 0.29)
        return False
    dispatcher.utter_message(text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id)
    return True


class ActionFileComplaint(Action):
    def name(self) -> str:
        return "action_file_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        if (offered := quality_return_offered(tracker)) is not None:
            # "其实是质量问题 裤脚开线了" right after "past the 7 days; a quality problem can
            # still be returned — tap 质量问题退货": that return, not a complaint.
            return [
                SlotSet("order_id", offered),
                SlotSet("return_reason", latest_text(tracker)),
                FollowupAction("return_form"),
            ]
        text = latest_text(tracker)
        if (
            reports_scam(text)
            and not (is_angry(text) or asks_for_person(text))
            and await answered_from_kb(dispatcher, tracker, "ask_faq")
        ):
            # "剛剛接到電話說是你們客服 說我被設定成分期付款 要我去ATM解除 這是真的嗎" (the NLU's
            # complaint): a scam reported and asked about, whose answer is the anti-fraud rule
            return []
        calm = not (is_angry(text) or asks_for_person(text) or complains_now(text))
        if calm and parcel_missing(text):
            # "20231120012 显示已经签收 可是门口啥都没看见" (the NLU's complaint, 0.93): where
            # the courier left it first (the tracking flow); said again, a person traces it
            return [FollowupAction("shipment_form")]
        if calm and ORDER_ID.search(text) and (corrected := corrected_task(tracker, text)):
            # "哎呀问岔了 其实想查的是20231120004" (the NLU's complaint, 0.76): a correction of
            # the order asked about — that task, on the order it now names
            return [FollowupAction(corrected)]
        if calm and is_correction(text):
            # "搞错了，收件人其实在西宁" (the NLU's complaint, 0.68) after a delivery-time answer:
            # the question again, of the place now named — the FAQ action's follow-up reading
            return [FollowupAction("action_answer_faq")]
        if await _answered_calm_question(dispatcher, text, lang):
            return []
        if calm and asks_how_to_complain(text):
            # "对处理结果不满意的话 去哪里反映" (the NLU's complaint): where complaints are made,
            # asked — the FAQ's answer, no complaint filed for the customer
            return [FollowupAction("action_answer_faq")]
        return await complaint_handoff(services, dispatcher, tracker, text)
