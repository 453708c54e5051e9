"""``payment_problem``: a double charge or "paid but the order says unpaid".

A double charge is refunded by the payment system itself within 24 hours (the shop's rule,
FAQ ``pay-003``): the customer is told so, with a person offered (a button), and is not queued
for something that resolves itself. When they report it again after that answer, or the problem
is another one ("paid but shown unpaid": finance must check the payment), the details are
collected and after-sales takes over with priority."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._flow_turns import take_handled
from actions._handoff import start_handoff
from actions._orders import load_order, reset_flow_slots, status_text
from actions._payment_rules import DOUBLE, RULE_TOLD, pressing, rule_told, self_refund_text
from actions._reading import ORDER_ID
from actions._services import get_services
from actions._text import person_button, say
from actions._tracker import lang_of
from actions.order_status import describe
from kefu.mandarin import to_mandarin
from shop.api import OrderStatus

RECENT_MESSAGES = 3  # the form asks one or two questions after the message that started it


def _texts(tracker: Tracker, who: str) -> list[str]:
    return [str(e.get("text") or "") for e in tracker.events or [] if e.get("event") == who]


def _double_reported(tracker: Tracker) -> bool:
    return any(DOUBLE.search(to_mandarin(t)) for t in _texts(tracker, "user")[-RECENT_MESSAGES:])


def first_double_charge(tracker: Tracker) -> bool:
    """The customer reports a double charge, and the bot has not yet told them it is refunded
    by itself (then a second report is for a person). Not when they say it has been longer
    than the 24 hours already, or say it angrily: then a person takes it now."""
    recent = _texts(tracker, "user")[-RECENT_MESSAGES:]
    reported = _double_reported(tracker)
    waited = any(pressing(t) for t in recent)
    told = rule_told(tracker)
    if (
        told
        and recent
        and ORDER_ID.fullmatch(recent[-1].strip())
        and not _rule_named_order(tracker)
    ):
        # "付了一次扣了我两遍钱" → the rule (no order named) → "20231120006": the order the
        # rule is about, no second report — the rule for that order, nobody queued
        told = False
    return reported and not waited and not told


def _rule_named_order(tracker: Tracker) -> bool:
    """The last time the rule was told, it named an order ("订单 2023… 多扣的钱…")."""
    said = [t for t in _texts(tracker, "bot") if any(m in t for m in RULE_TOLD)]
    return bool(said) and bool(ORDER_ID.search(said[-1]))


class ActionPaymentProblem(Action):
    def name(self) -> str:
        return "action_payment_problem"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        handled = take_handled(tracker)
        if handled is not None:  # the form answered this turn itself (actions._flow_turns)
            return handled
        services = get_services()
        lang = lang_of(tracker)
        order, events = await load_order(services, dispatcher, tracker)
        if order is None:
            return events + reset_flow_slots()
        if first_double_charge(tracker):
            dispatcher.utter_message(
                text=self_refund_text(lang, order.id),
                buttons=[person_button(lang)],
            )
            return events + reset_flow_slots()
        if order.status is not OrderStatus.UNPAID and not _double_reported(tracker):
            # "大衣钱都付了 咋还没动静": the payment went through — the order says so; what the
            # customer is missing is the parcel, and that is answered, not sent to finance.
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 的付款已经成功啦，不用担心～",
                    f"The payment for order {order.id} went through — nothing to worry about.",
                )
            )
            described = await describe(services, dispatcher, tracker, order)
            return events + described + reset_flow_slots()
        detail = str(tracker.get_slot("payment_detail") or "").strip()
        dispatcher.utter_message(
            text=say(
                lang,
                f"收到～订单 {order.id} 当前状态：{status_text(lang, order)}。扣款问题需要财务同事"
                "核实流水，我已把您提供的信息记录下来，优先为您转接售后专员，请放心，多扣的款项一定会退回。",
                f"Got it — order {order.id} is currently {status_text(lang, order)}. Payment"
                " issues "
                "need our finance team to check the transaction, so I've noted your details and am "
                "passing you to an after-sales specialist with priority. Any extra charge will be "
                "refunded.",
            )
        )
        handoff = await start_handoff(
            services,
            dispatcher,
            tracker,
            reason="flow_needs_human",
            priority="high",
            skill_group="aftersales",
            summary=f"支付问题 / payment problem, 订单 {order.id} "
            f"({order.status.value}): {detail[:200]}",
        )
        return events + reset_flow_slots() + handoff
