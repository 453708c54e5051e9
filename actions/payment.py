"""``payment_problem``: a double charge or "paid but the order says unpaid" → collect the
details and hand off to after-sales with priority."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._flow_turns import take_handled
from actions._handoff import start_handoff
from actions._orders import load_order, reset_flow_slots, status_text
from actions._services import get_services
from actions._text import say
from actions._tracker import lang_of


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
