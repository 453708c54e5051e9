"""``check_refund``: the customer's own refunds, their state and expected date."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._decide import no_flow_service
from actions._follow_up import decide_in_context
from actions._kb_search import faq_text
from actions._mood import FlowAction
from actions._orders import (
    no_customer,
    not_found,
    orders_named,
    task_topic,
    the_customer,
    visitor_rule,
)
from actions._payment_rules import DOUBLE, hand_payment_to_person, rule_told
from actions._refund_channel import cancelled_money
from actions._services import get_services
from actions._text import person_button, say, yuan
from actions._tracker import lang_of, latest_text, previous_answer_text, previous_customer_text
from actions.order_status import describe, parcel_missing
from kefu.mandarin import to_mandarin
from shop import OrderStatus, Refund, RefundStatus, local_date, normalise_order_id


def _line(lang: str, r: Refund) -> str:
    if r.status is RefundStatus.REFUNDED and r.completed_at:
        d = local_date(r.completed_at)
        return say(
            lang,
            f"订单 {r.order_id} 已退款成功（{yuan(r.amount_cents)}），已于 {d.month}月{d.day}日"
            f"{r.method}，请留意支付账户的到账记录～",
            f"Order {r.order_id} has been refunded ({yuan(r.amount_cents)}): it went back to"
            f" your original payment method on {d.isoformat()}.",
        )
    if r.status is RefundStatus.REJECTED:
        return say(
            lang,
            f"订单 {r.order_id} 的退款申请未通过审核，我可以为您转人工详细说明～",
            f"The refund request for order {r.order_id} was not approved; an agent can "
            "explain why.",
        )
    when = r.expected_by
    return say(
        lang,
        f"订单 {r.order_id} 的退款 {yuan(r.amount_cents)} 正在处理中，预计 "
        f"{when.month}月{when.day}日 前原路退回～"
        if when
        else f"订单 {r.order_id} 的退款 {yuan(r.amount_cents)} 正在处理中～",
        f"The refund of {yuan(r.amount_cents)} for order {r.order_id} is still processing"
        + (
            f"; it's expected back on your original payment method by {when.isoformat()}."
            if when
            else "."
        ),
    )


_NOT_ARRIVED = re.compile(
    r"没到|没收到|没有到|不到账|没看到|没看见|没见|没进|没退回|木有到|"
    r"haven'?t (?:got|received|seen)|"
    r"not (?:arrived|received|showed? up)|hasn'?t (?:arrived|come|shown)|"
    r"never (?:arrived|came|got)|"
    r"didn'?t (?:get|receive)",
    re.IGNORECASE,
)


def _not_arrived_line(lang: str, r: Refund) -> str:
    """A refund paid out that the customer has not seen: when it arrives, and who checks."""
    d = local_date(r.completed_at) if r.completed_at else None
    day = say(lang, f"{d.month}月{d.day}日", d.isoformat()) if d else ""
    return say(
        lang,
        f"订单 {r.order_id} 已退款成功（{yuan(r.amount_cents)}），已于 {day} 原路退回。"
        "到账时间取决于支付渠道：微信/支付宝1–3个工作日，银行卡3–7个工作日（以银行入账为准）。如果已经超过"
        "这个时间还没到账，点下面的“转人工客服”，我们帮您向支付渠道核实～",
        f"The refund of {yuan(r.amount_cents)} for order {r.order_id} is complete: it was paid"
        f" out on {day}. "
        "It reaches WeChat/Alipay in 1–3 working days and bank cards in 3–7. If it is later "
        'than that, tap "Talk to an agent" and we will check with the payment provider.',
    )


class ActionCheckRefund(FlowAction):
    action_name = "action_check_refund"
    skill_group = "aftersales"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        text = latest_text(tracker)
        # "睡衣的退款到帐没有啊": a product the logged-in customer bought makes it their own
        # refund, whatever the general wording ("退款多久到账" alone asks the rule).
        if DOUBLE.search(to_mandarin(text)):
            # "同一单扣了我两次钱 三天了还没退回来": a double charge, not a return's refund — a
            # person at once when the bot cannot look it up, else the payment flow.
            logged_in = bool(the_customer(services, tracker))
            handoff = await hand_payment_to_person(services, dispatcher, tracker, text, logged_in)
            return handoff if handoff is not None else [FollowupAction("payment_form")]
        if rule_told(tracker) and (
            handoff := await hand_payment_to_person(
                services, dispatcher, tracker, text, bool(the_customer(services, tracker)), True
            )
        ):
            # "已经过去三天了 第二笔还是没退回来" after the double charge's 24-hour rule: past it,
            # for finance — not the refunds of returns this customer may not have
            return handoff
        named = None if tracker.get_slot("order_id") else await orders_named(services, tracker)
        decision = (
            None
            if named and not no_flow_service(text)  # "碎花裙降了三十 能补差价吗": price protection
            else await decide_in_context(
                services,
                text,
                "check_refund",
                lang,
                previous_customer_text(tracker),
                previous_answer_text(tracker),
                task_topic(tracker, lang),
            )
        )
        if decision is not None and decision.source == "kb" and decision.hit is not None:
            # "退款多久到账" asks the rule, not about the customer's own refund.
            dispatcher.utter_message(
                text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
            )
            return []
        cid = the_customer(services, tracker)
        if not cid:
            # "refund was approved yesterday but nothing on my visa yet": the rule, then log in
            await visitor_rule(services, dispatcher, tracker, lang)
            no_customer(dispatcher, lang)
            return []
        raw = tracker.get_slot("order_id")
        oid = normalise_order_id(raw)
        if raw and (oid is None or await services.shop.order(cid, oid) is None):
            not_found(dispatcher, lang, str(raw))
            return []
        order = await services.shop.order(cid, oid) if oid else None
        if order is not None and order.status is OrderStatus.DELIVERED and parcel_missing(text):
            # "显示签收了可我根本没收到": a logistics dispute for a person, not a refund line.
            return await describe(services, dispatcher, tracker, order)
        refunds = await services.shop.refunds(cid, oid)
        if named and not oid:
            # "睡衣的退款怎么还没到账": the refunds of the order(s) of the product named, not the
            # customer's latest refund of something else.
            ids = {o.id for o in named}
            refunds = [r for r in refunds if r.order_id in ids]
            oid = named[0].id if len(named) == 1 else None
            order = named[0] if len(named) == 1 else None
        if not refunds and order is not None and order.status is OrderStatus.CANCELLED:
            # "童书那套订单是不是没了 钱给我退回去了没": a cancelled order's money (no request)
            dispatcher.utter_message(
                text=cancelled_money(lang, order.id), buttons=[person_button(lang)]
            )
            return []
        if not refunds:
            dispatcher.utter_message(
                text=say(
                    lang,
                    (f"订单 {oid} " if oid else "您的账户下") + "暂时没有查到退款记录呢～"
                    "如果刚提交申请，审核通过后就会生成退款，请稍后再查看哦。",
                    ("Order " + oid if oid else "Your account") + " has no refund yet. If you "
                    "just applied, it will appear once the request is approved.",
                )
            )
            return []
        paid = [r for r in refunds if r.status is RefundStatus.REFUNDED]
        if paid and _NOT_ARRIVED.search(text):
            dispatcher.utter_message(
                text=_not_arrived_line(lang, paid[0]), buttons=[person_button(lang)]
            )
            return []
        dispatcher.utter_message(text="\n".join(_line(lang, r) for r in refunds[:3]))
        return []
