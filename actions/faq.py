"""``ask_faq`` and ``product_inquiry``: answers from the knowledge base. A confident hit is
answered (in traditional characters for a zh-Hant customer); a near miss offers the two closest
questions; a second miss offers a person. A VIP is offered a person (a button and a sentence) at
the first miss, never handed off on a misread; an angry message gets a person at once.

A suggestion's button names its FAQ (``actions._picks``): a tap is answered by id, never read by
the NLU again. A message naming an order id that the NLU read as a question goes to that order's
flow (``actions._decide.own_order_intent``)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._again import say_again
from actions._before_reading import settled_before_reading
from actions._decide import (
    clear_best,
    decide,
    likely_best,
    own_order_intent,
    own_state_flow,
    tied_pair,
)
from actions._escalate import insisted_handoff
from actions._follow_up import search_in_context
from actions._handoff import is_vip, start_handoff
from actions._kb_search import faq_text, likely_answer, say_likely, second_sure
from actions._order_routes import (
    order_detail_followup,
    own_part_flow,
    own_window_flow,
    product_followup,
)
from actions._orders import FLOW_FORMS, asked_to_log_in, orders_named, task_topic, why_log_in
from actions._picks import suggestions
from actions._reading import ORDER_ID
from actions._said_before import (
    answer_naming_it,
    prefers_said,
    said_before,
    said_before_reply,
)
from actions._services import get_services
from actions._splitting import split_questions
from actions._text import (
    is_angry,
    person_button,
    say,
    vip_offer,
)
from actions._tracker import (
    lang_of,
    latest_text,
    previous_answer_text,
    previous_customer_text,
    previous_faq_answer,
)
from actions._two_questions import answer_others, answer_parts, question_parts, words_flow
from actions.order_status import asks_tracking_number
from kefu.logging import get_logger

log = get_logger(__name__)


# the order flows that only read the order: a part asking one of them is answered, not offered
_READ_FLOWS = ("shipment_form", "order_status_form")


def _order_part_flow(query: str) -> str | None:
    """The read-only flow (tracking, status) a part of a several-question message asks of the
    order id it names ("20231120004 现在在路上哪一站？还有个问题，…"), else None."""
    pieces = split_questions(query)
    if len(pieces) < 2:
        return None
    for piece in pieces:
        if ORDER_ID.search(piece) and (form := words_flow(piece)) in _READ_FLOWS:
            return form
    return None


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
        if (
            settled := await settled_before_reading(services, dispatcher, tracker, query)
        ) is not None:
            return settled
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        flow = own_order_intent(query, ranking, FLOW_FORMS)
        if flow_form := (FLOW_FORMS[flow] if flow else _order_part_flow(query)):
            # "the shirt doesn't fit, can I send it back? order 2023…" is that order's return;
            # "20231120003今天能到不？还有签收以后几天内能退": the other question the knowledge
            # base answers is answered first (the flow, started by this action, reads no parts)
            # "20231120004 现在在路上哪一站？还有个问题，家电保修一般给几年" (ask_faq at 0.95):
            # the part naming the order asks its tracking in so many words — that flow too
            parts = await question_parts(
                services, query, lang, previous_answer_text(tracker), with_order=True
            )
            await answer_others(services, dispatcher, query, lang, parts, flow_form)
            return [FollowupAction(flow_form)]
        if say_again(dispatcher, tracker, lang):
            return [SlotSet("faq_misses", 0)]  # "抬头写的啥来着": what the last answer said
        if state_form := own_state_flow(query):
            # "我那单发票开了没": the order's own invoice, answered from the shop's data
            return [FollowupAction(state_form)]
        if query and (followup := order_detail_followup(tracker)):
            # "whats the waybill number, wanna track it myself" right after the order's status:
            # that order's number, not the how-to of tracking
            return followup
        if query and (window_form := await own_window_flow(tracker)):
            # "牛仔裤不想要了 还能七天无理由不": their own jeans' window, from its delivery date
            return [FollowupAction(window_form)]
        hits, thresholds, paired = await search_in_context(
            services,
            query,
            lang,
            previous_customer_text(tracker),
            previous_answer_text(tracker),
            task_topic(tracker, lang),
        )
        if query and not hits and services.knowledge_base_missing() is not None:
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
        answered = previous_answer_text(tracker)
        # (split though it names an order: "20231120005啥时候能送到 另外想问 生日劵怎么领" is
        # that order's delivery and the birthday coupons — ``own_part_flow``)
        parts = (
            await question_parts(
                services, query, lang, answered, with_order=bool(ORDER_ID.search(query))
            )
            if query
            else []
        )
        if form := await own_part_flow(tracker, parts):
            # "手环发货了没 顺便问下保修多久": the warranty part answered, then the bracelet's
            # status by its flow (a form another action started reads no parts again)
            await answer_parts(services, dispatcher, query, lang, [p for p in parts if p.hit])
            return [SlotSet("faq_misses", 0), FollowupAction(form)]
        if parts and await answer_parts(services, dispatcher, query, lang, parts) is not None:
            return [SlotSet("faq_misses", 0)]  # two questions in one message: both heard
        if paired and decide(query, "ask_faq", paired, thresholds, follow_up=True).source == "kb":
            last = previous_faq_answer(tracker)
            if (
                faq_text(lang, paired[0].answer) in last
                and (sentence := said_before(query, last)) is not None
            ):
                # "一单最多能抵多少" right after the points answer: read with it, it is that
                # answer again — the sentence of it that says so, not the whole answer twice
                dispatcher.utter_message(text=said_before_reply(lang, sentence))
                return []
            hits = paired  # "and if im in tibet?" after the free-shipping answer
        if query and asks_tracking_number(query) and await orders_named(services, tracker):
            # "跑鞋的顺丰单号是多少 发我下": the tracking number of their own parcel, not the
            # couriers the shop uses (0.87) — its tracking, the order found by the product
            return [SlotSet("faq_misses", 0), FollowupAction("shipment_form")]
        if hits and thresholds and hits[0].score >= thresholds.confident:
            # faq_id rides in the bot event's metadata: the conversation's facts list it
            dispatcher.utter_message(text=faq_text(lang, hits[0].answer), faq_id=hits[0].faq_id)
            if other := second_sure(query, hits, thresholds, hits[0]):
                # "how many points do i need for 1 yuan off, and do they expire?": a second
                # question leaning on the first, read with it — both FAQs are sure, both said
                dispatcher.utter_message(text=faq_text(lang, other.answer), faq_id=other.faq_id)
            return [SlotSet("faq_misses", 0)]
        if flow := own_order_intent(query, ranking, FLOW_FORMS, floor=0.0):
            # "did my button-down actually get delivered? ord 2023…": no answer in the
            # knowledge base, and an order named — the NLU's likeliest flow on it, however
            # unsure, rather than "not found" (rule 1: a message naming an order is about it)
            return [FollowupAction(FLOW_FORMS[flow])]
        if query and (followup := await product_followup(tracker)) is not None:
            # No answer in the knowledge base, and a product of their own orders named with a
            # task's words or as a correction ("不对 是另一单 跑步鞋那个"): that task, on it.
            return followup
        if query and (handed := await insisted_handoff(services, dispatcher, tracker, query)):
            # no answer, and the customer insists after a person was offered
            return handed
        if query and not is_angry(query) and asked_to_log_in(tracker):
            # "i dont have an account its my moms order" after "please log in": no FAQ answers
            # it — why the bot cannot look, and a person who can check who they are.
            why_log_in(dispatcher, lang)
            return []
        last_faq = previous_faq_answer(tracker)  # read only when nothing answered it so far
        sentence = said_before(query, last_faq) if query else None
        if clear_best(hits, thresholds) and not prefers_said(query, sentence, hits[0]):
            # below confident but far ahead of the rest ("货到付款有没有"): the answer, not a
            # "did you mean" list of one (actions._decide, rule 3) — unless the message asks
            # whether what was just said holds ("same deal there?"), or leans on it ("what
            # about qinghai"), and that answer says it (actions._said_before.prefers_said)
            dispatcher.utter_message(text=faq_text(lang, hits[0].answer), faq_id=hits[0].faq_id)
            return [SlotSet("faq_misses", 0)]
        if sentence is not None:
            # "一单最多能抵多少" right after the points answer: the sentence of it that says so
            # (actions._said_before), not a guess of the knowledge base reading it alone
            dispatcher.utter_message(text=said_before_reply(lang, sentence))
            return []
        if query and (naming := answer_naming_it(query, last_faq, hits)) is not None:
            # "我那个是秒杀抢的" after price protection: its exceptions, which name 秒杀
            dispatcher.utter_message(text=faq_text(lang, naming.answer), faq_id=naming.faq_id)
            return [SlotSet("faq_misses", 0)]
        if likely_best(query, hits, thresholds) and not is_angry(query):
            # below *choose*, far ahead of the rest: the likely answer, its question named so
            # the customer sees what was answered (rule 3, lower still); no miss counted
            say_likely(dispatcher, lang, hits[0])
            return []
        if not is_angry(query) and (pair := tied_pair(query, hits, thresholds)) is not None:
            # two FAQs of one topic share the question ("七天无理由退货怎么申请啊"): both
            # answers, each question named (actions._decide.tied_pair); no miss counted
            dispatcher.utter_message(
                text=likely_answer(lang, pair[0], then=False), faq_id=pair[0].faq_id
            )
            say_likely(dispatcher, lang, pair[1])
            return []
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
                summary=f"FAQ 未命中 / no FAQ answer: {query[:200]}",
                faq_tried=tried,
                lead=(
                    "抱歉，这个问题小蜜没能找到准确的答案，为您转接人工客服来解答～",
                    "Sorry, I couldn't find a good answer to that — let me get a human agent.",
                ),
            )
            return [*events, SlotSet("faq_misses", 0)]
        vip = await is_vip(services, tracker)
        close = [h for h in hits if thresholds and h.score >= thresholds.choose][:2]
        if close:
            text, buttons = suggestions(lang, close)
        else:
            text = say(
                lang,
                "抱歉，小蜜没找到这个问题的答案呢～可以换个说法，或者说得具体一点吗？",
                "Sorry, I couldn't find an answer to that. Could you rephrase it or add a detail?",
            )
            buttons = []
        if vip:
            text = f"{text}\n{vip_offer(lang)}"
        dispatcher.utter_message(text=text, buttons=[*buttons, person_button(lang)])
        return [SlotSet("faq_misses", misses + 1)]
