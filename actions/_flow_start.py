"""What an order flow does with the message that starts it (called by every form's validation,
``actions/order_forms.py``; inside a flow: ``actions._flow_turns``).

- A general question the knowledge base answers (``actions._decide``) is answered instead
  ("发票怎么开" is not "开发票 for my order").
- The customer's own request that also asks a how-to the knowledge base answers confidently
  ("I need a VAT invoice for my company, what info do you need") gets that answer, then the flow.
- A message of two questions has the answered ones answered and the others offered as buttons
  (``actions._two_questions``); when the flow takes the part about the customer's own product
  ("手环发货了没 顺便问下保修多久"), the answered parts are said before it.
- A clearly angry message that names no order gets an apology, the knowledge base's answer when
  it is confident, and a person at once (with an order, the flow answers and a person joins:
  ``actions._mood``).
- A question about what the last answer said ("抬头写的啥来着") is answered with it again
  (``actions._again``).
- A detail of the customer's order said wrong or wanted otherwise ("送货的地方想换到我公司" read
  as tracking, "开的那张票 公司名字写错了" as a change) runs its change or the invoice's reissue
  instead (``actions._detail_wishes``).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._again import say_again
from actions._decide import (
    decide,
    decided_without_kb,
    likely_best,
    no_flow_service,
    rejected_request,
)
from actions._detail_wishes import wished_instead
from actions._filed import already_filed, filed_lately
from actions._flow_turns import end_quietly, intent_of, run_instead
from actions._follow_up import general_follow_up, search_in_context
from actions._follow_up_text import is_elliptical, the_question
from actions._handoff import angry_handoff, complaint_handoff, person_asked
from actions._item_wishes import wants_exchange
from actions._kb_search import faq_text, say_likely, search_kb
from actions._orders import (
    corrected_task,
    last_flow,
    orders_named,
    task_topic,
    the_customer,
    the_named_order,
    visitor_rule,
)
from actions._payment_rules import (
    calm_double_charge,
    hand_payment_to_person,
    rule_told,
    self_refund_text,
)
from actions._quality_return import quality_return_offered
from actions._reading import ORDER_ID as _ORDER_ID
from actions._reading import asks_something, is_general_question, is_long
from actions._said_before import said_before_reply, said_instead
from actions._services import get_services
from actions._several_orders import describe_several, read_parts
from actions._text import asks_for_person, complains_now, is_angry, person_button, say
from actions._tracker import (
    lang_of,
    latest_text,
    previous_answer_text,
    previous_customer_text,
    previous_faq_answer,
)
from actions._two_questions import (
    about_flow,
    answer_others,
    answer_parts,
    offer_the_others,
    question_parts,
    requests_flow,
    words_flow,
)
from actions._warranty_state import asks_warranty_state
from kefu.mandarin import to_mandarin

__all__ = ["on_flow_start"]

PAYMENT_FORM = "payment_form"
RETURN_FORM = "return_form"
# The flows that file a request, and its record's prefix (``actions._filed.RECORD_ID``)
_FILED_BY = {"repair_form": "RP", RETURN_FORM: "RT"}
# Below this the NLU's flow gives way to the flow the message's own words name when they name
# nothing of its own (``on_flow_start``).
UNSURE_BELOW = 0.8
# The flows that only read an order, and the flows that act on one: an act named in a message
# read as reading its order is the act, however sure the NLU is (``on_flow_start``).
_READING_FLOWS = ("order_status_form", "shipment_form")
_ACT_FLOWS = ("invoice_form", "cancel_form", "repair_form", RETURN_FORM)
# "我嗰套陶瓷餐具退咗款未呀" (refunded yet?, read as a return): the refund's state, whose words
# hold the return's 退 too. Read in Mainland Mandarin: 退咗款未 is 退了款未.
_REFUND_STATE = re.compile(
    r"退了?款了?(?:没|吗|么|未)|钱.{0,4}退(?:了|回来)?(?:没|吗|么|未)|\brefund(?:ed)?\b.{0,20}\byet\b",
    re.IGNORECASE,
)


def _asks_refund_state(named_flow: str, text: str) -> bool:
    return named_flow == "action_check_refund" and bool(_REFUND_STATE.search(to_mandarin(text)))


def _confidence(tracker: Tracker) -> float:
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)


async def on_flow_start(
    form: str, dispatcher: CollectingDispatcher, tracker: Tracker, skill_group: str
) -> list[dict[str, Any]] | None:
    """Events that replace the flow at its start, or None to run it."""
    text = latest_text(tracker)
    lang = lang_of(tracker)
    services = get_services()
    if asks_for_person(text) and not _ORDER_ID.search(text):
        # "asked building security and checked every locker, nada. get someone to chase the
        # courier" read as tracking: a person asked for in so many words — not "which order?"
        return [*await person_asked(services, dispatcher, tracker, text), *end_quietly()]
    if complains_now(text) and not _ORDER_ID.search(text):
        # "the courier chucked my box over the gate and the vase inside smashed. Log this as a
        # complaint." read as a return: a complaint made now — the apology and the complaints
        # team, not the broken item's rule nor "which order?"
        return [*await complaint_handoff(services, dispatcher, tracker, text), *end_quietly()]
    if is_angry(text) and not _ORDER_ID.search(text):
        # With an order named the flow answers and a person joins (actions._mood); without,
        # it would only ask questions of an angry customer.
        dispatcher.utter_message(
            text=say(
                lang,
                "让您着急了，真的非常抱歉！我马上请人工客服来跟进～",
                "I'm really sorry for the frustration — let me bring in a person to follow up.",
            )
        )
        # What the shop's rules already say ("charged twice!! what the hell": refunded by
        # itself within 24 hours) is said too, so the customer has it while a person comes.
        hits, thresholds = await search_kb(services, text, lang)
        if hits and thresholds and hits[0].score >= thresholds.confident:
            dispatcher.utter_message(text=faq_text(lang, hits[0].answer), faq_id=hits[0].faq_id)
        handoff = await angry_handoff(services, dispatcher, tracker, text, skill_group=skill_group)
        return [*handoff, *end_quietly()]
    if rule_told(tracker) and (
        payment := await hand_payment_to_person(
            services, dispatcher, tracker, text, bool(the_customer(services, tracker)), told=True
        )
    ):
        # "nearly 48 hours on and the second charge still hasn't gone back" after the 24-hour
        # rule, whatever flow the words looked like (tracking): finance, now
        return [*payment, *end_quietly()]
    if form != RETURN_FORM and (offered := quality_return_offered(tracker)) is not None:
        # "其实拉链坏了拉不上去 这算质量问题吧" read as a repair, right after the quality return
        # was offered: that return, its reason said
        return [*run_instead(RETURN_FORM, offered), SlotSet("return_reason", text)]
    if (several := await describe_several(services, dispatcher, tracker, form)) is not None:
        # "保温杯和跑鞋分别到哪了": each order named, described — not "which one?"
        return [*several, *end_quietly()]
    filed = _FILED_BY.get(form)
    if (
        filed
        and not _ORDER_ID.search(text)
        and not asks_something(text)  # "维修大概要多久": a question about it, answered
        and (lately := filed_lately(tracker, filed))
    ):
        # "就是右耳断断续续的 … 帮我提交维修" a turn after the repair was filed: it is in —
        # unless the message names another product ("那耳机也帮我修一下")
        record, said = lately
        named = await orders_named(services, tracker)
        if not named or any(o.item in said for o in named):
            dispatcher.utter_message(text=already_filed(lang, record))
            return end_quietly()
    if say_again(dispatcher, tracker, lang):
        return end_quietly()  # "抬头写的啥来着": what the last answer said, not a new task
    previous = corrected_task(tracker, text) if _ORDER_ID.search(text) else None
    if (
        previous is None
        and is_elliptical(text)
        and (named := await orders_named(services, tracker))
    ):
        # "and the fitness band?" after the bottle's tracking: the same task on the product now
        # named, whatever flow the words alone sound like (its order is found by the product).
        # (not "那件衬衫可以开发票吗" after a tracking answer: its own words name the invoice)
        previous = None if about_flow(form, text) else last_flow(tracker)
        if previous and previous != form:
            return run_instead(previous, the_named_order(named))
    if previous and previous != form:
        # "sorry wrong number, I meant 2023…" right after a status answer: not a change request
        # but the same task again, on the order now named (its id is in the order_id slot).
        return run_instead(previous)
    if (wished := wished_instead(form, text)) and not is_general_question(text):
        # "89块那件短袖还没付钱 送货的地方想换到我公司" read as tracking (0.98), "2023… 开的那
        # 张票 公司名字写错了 能换一张吗" as a change: a detail of their order said wrong or
        # wanted otherwise — its change, the invoice's reissue — whatever the NLU's certainty
        return run_instead(wished)
    unsure = _confidence(tracker) < UNSURE_BELOW and not is_long(text)
    said_flow = words_flow(text)
    # (read as an order's status however sure, "那件燕麦色的毛衣领口开线了 这种情况还退得了吗"
    # (0.93) asks a return and nothing of the order's state: the return, with its windows)
    acts = form in _READING_FLOWS and said_flow in _ACT_FLOWS
    named_flow = said_flow if unsure or acts else None
    if named_flow == "repair_form" and asks_warranty_state(text):
        named_flow = None  # "这个保修截止到哪天": the order's dates answer it, no repair filed
    if (
        named_flow
        and named_flow != form
        and (not about_flow(form, text) or _asks_refund_state(named_flow, text))
        and not is_general_question(text)  # "尺码不合适能换吗 怎么换": the decision step's
    ):
        # "when will my earbuds arrive? i need them by friday" read as a repair (0.60): the
        # words name the tracking and nothing of a repair — the flow they name.
        return run_instead(named_flow)
    # "牛仔裤买了快两周了 还能退吗", "电动牙刷充不进电了 还在保修吗": a product the logged-in
    # customer bought is their own case — the flow answers from that order's dates (its return
    # window, its warranty), where the general FAQ (or an answer to one part of the message)
    # would say "支持，7天内" to someone past the window.
    # An order id named is their own case as much ("20231120003 发货了吧？还有积分多久到账").
    own_product = bool(_ORDER_ID.search(text)) or bool(await orders_named(services, tracker))
    parts = await question_parts(
        services, text, lang, previous_answer_text(tracker), with_order=True
    )
    if not own_product and await answer_parts(services, dispatcher, text, lang, parts) is not None:
        # Two questions, one of them answered: the other is offered as a button (it may be
        # another flow than this one: "发货了吗？还有能开发票吗" read as an invoice request).
        return end_quietly()
    answered_beside = False
    if parts and own_product:
        # "手环发货了没 顺便问下保修多久": the flow takes the part about their own product; the
        # parts the knowledge base answers are answered first, not left as buttons.
        left = await answer_others(services, dispatcher, text, lang, parts, form)
        answered_beside = len(left) < len(parts)
        parts = left
    if parts and own_product:
        # "20231120005 到哪儿了？坏了的话保修几年" taken by the repair flow: where the order is
        # (and its warranty, for another flow) is read from the order, not offered
        parts = await read_parts(services, dispatcher, tracker, parts, form)
    if parts:
        # Several questions about their own case: this flow takes its own, the others are
        # offered ("我的手环到哪了？顺便问下这单能开发票吗" as an invoice request).
        offer_the_others(dispatcher, parts, form, lang)
    if answered_beside and any(about_flow(form, p.text) for p in parts):
        # "跑鞋页面上比我买的时候便宜了四十 这个能补吗 还有它大概哪天送到": the price
        # protection said beside, the flow takes its own part (when it arrives) — the rule is
        # not said again for the whole message
        return None
    logged_in = bool(the_customer(services, tracker))
    if form == RETURN_FORM and wants_exchange(text):
        # "the shirt is too big can i swap it for a M": an exchange, not a return — the shop's
        # exchange rule, where the return flow would have filed a return nobody asked for.
        hits, thresholds = await search_kb(services, text, lang)
        if hits and thresholds and hits[0].score >= thresholds.choose:
            dispatcher.utter_message(text=faq_text(lang, hits[0].answer), faq_id=hits[0].faq_id)
            return end_quietly()
    told = rule_told(tracker)
    if told and form == PAYMENT_FORM and calm_double_charge(text):
        # "今天上午十点 微信 599扣了两次" after the 24-hour rule: a second report, for finance
        # (actions.payment) — not the rule again, neither as it is nor as the FAQ's
        return None
    if form == PAYMENT_FORM and calm_double_charge(text) and not (logged_in and own_product):
        # "付款的时候卡了一下 结果扣了我两次钱", no order named: the 24-hour rule needs none.
        dispatcher.utter_message(text=self_refund_text(lang), buttons=[person_button(lang)])
        return end_quietly()
    if form == PAYMENT_FORM and (
        payment := await hand_payment_to_person(
            services, dispatcher, tracker, text, logged_in, told
        )
    ):
        # "i paid but theres no order in my account": no order number to ask for; a person
        # traces the payment. So does one past the 24 hours the rule just gave.
        return [*payment, *end_quietly()]
    intent = intent_of(tracker)
    # "請問運費怎麼算" → "那寄到台灣呢" read as tracking: the rule asked before, of another
    # subject — a general question (actions._follow_up)
    # "发票呢 刚问的你没回" (after a two-question answer): the question, not the complaint
    asked = the_question(text)
    general = general_follow_up(asked, previous_customer_text(tracker))
    if (own_product and not no_flow_service(text)) or decided_without_kb(text, intent) is not None:
        if not logged_in and not own_product:
            # a visitor's own case ("refund was approved yesterday but nothing on my visa
            # yet"): the shop's rule for it now, then the flow asks them to log in
            await visitor_rule(services, dispatcher, tracker, lang)
        return None
    hits, thresholds, paired = await search_in_context(
        services,
        asked,
        lang,
        previous_customer_text(tracker),
        previous_answer_text(tracker),
        task_topic(tracker, lang),
    )
    decision = decide(asked, intent, paired, thresholds, follow_up=True) if paired else None
    if decision is None or decision.source != "kb":
        decision = decide(asked, intent, hits, thresholds, general=general)
    if decision.source == "kb" and decision.hit is not None:
        if sentence := said_instead(asked, previous_faq_answer(tracker), decision.hit):
            # "what about an address in qinghai province" after the free-shipping answer (read
            # as an address change): the line of that answer naming Qinghai
            dispatcher.utter_message(text=said_before_reply(lang, sentence))
            return end_quietly()
        dispatcher.utter_message(
            text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
        )
        if requests_flow(form, text) and not rejected_request(asked):
            # "那乾脆不要了 取消吧 錢會退回原本的卡嗎": the question answered, and the cancel
            # asked for in the same breath goes on (not "我的退货申请被驳回了": no new one)
            return None
        return end_quietly()
    service = no_flow_service(asked)
    if (
        (general or is_general_question(asked) or service)
        and not requests_flow(form, text)
        and likely_best(asked, hits, thresholds, service=service)
    ):
        # "how do i send something back, like step by step" (a return at 0.82, the how-to at
        # 0.42 far ahead of the rest), "购物车现在56块 还差多少能包油啊": a general question
        # whose likely answer is far ahead — that answer, its question named (actions._decide,
        # rule 3), not a flow asking for an order the question is not about
        say_likely(dispatcher, lang, hits[0])
        return end_quietly()
    top = hits[0] if hits else None
    if (
        top
        and thresholds
        and top.score >= thresholds.confident
        and (asks_something(text) or not logged_in)
    ):
        # "I need a VAT special invoice for my company, what info do you need": their own
        # request, and a how-to in the same breath — the answer, then the flow goes on. A
        # visitor's own case ("refund was approved yesterday but nothing on my visa yet"):
        # the shop's rule for it now, then why the order itself needs a log-in.
        dispatcher.utter_message(text=faq_text(lang, top.answer), faq_id=top.faq_id)
    return None
