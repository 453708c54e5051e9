"""Forms of the order flows (status, shipment, cancel, change, return, payment, repair): what
each asks after the order id and how it reads the answers. What they share — the order id, a
product named, a turn inside a flow — is ``actions._order_form.OrderForm``."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._answers import (
    is_change_detail,
    read_change_detail,
    read_confirmation,
    read_fault,
    read_return_reason,
    tells_a_reason,
)
from actions._flow_turns import opening_text
from actions._free_answers import question_not_answer
from actions._order_form import OrderForm, given_slot
from actions._payment_rules import DOUBLE, rule_told
from actions._reading import ORDER_ID, is_general_question
from actions._text import say
from actions._tracker import lang_of, latest_text
from kefu.mandarin import to_mandarin
from shop import (
    RETURN_DAYS_NO_REASON,
    RETURN_DAYS_QUALITY,
    Order,
    OrderStatus,
    check_return,
    could_return,
    in_warranty,
    warranty_end,
)


class ValidateOrderStatusForm(OrderForm):
    form = "order_status_form"


class ValidateShipmentForm(OrderForm):
    form = "shipment_form"


class ValidateCancelForm(OrderForm):
    form = "cancel_form"

    def read_answer(self, slot: str, text: str) -> Any:
        return read_confirmation(text) if slot == "cancel_confirmed" else None

    def later_slots(self, order: Order | None) -> list[str]:
        cancellable = order and order.status in (OrderStatus.UNPAID, OrderStatus.PAID)
        return ["cancel_confirmed"] if cancellable else []


class ValidateChangeForm(OrderForm):
    form = "change_form"

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "20231120002的收货地址改成上海市…": the new address, given with the request.
        return given_slot(tracker, "change_detail", read_change_detail(latest_text(tracker)))

    def later_slots(self, order: Order | None) -> list[str]:
        return ["change_detail"] if order and not order.shipped else []

    async def validate_change_detail(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if is_change_detail(text):
            # "改成 杭州市…601 电话不变": the address itself, not the words around it
            return {"change_detail": read_change_detail(text) or text}
        # "改成公司地址": nothing to ship to; the form asks again (never "已更新为 ****").
        dispatcher.utter_message(
            text=say(
                lang_of(tracker),
                "这个地址我还没法直接使用呢～请把完整的新收货地址发给我"
                "（省/市/区 + 街道门牌号），或新的手机号。",
                "I can't use that as an address yet. Please send the full new delivery address"
                " (street, number, city) or the new phone number.",
            )
        )
        return {"change_detail": None}


class ValidateReturnForm(OrderForm):
    form = "return_form"

    def read_answer(self, slot: str, text: str) -> Any:
        # "七天无理由退货" answers the question; it is not the FAQ on 七天无理由.
        if slot != "return_reason" or is_general_question(text):
            return None
        return read_return_reason(text)

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "那条裙子尺码不合适 想退货": the reason, given with the request.
        return given_slot(tracker, "return_reason", read_return_reason(latest_text(tracker)))

    def answer_told(self, slot: str, tracker: Tracker) -> Any:
        # "白色那台加湿机 晚上嗡嗡响 睡不着 退了算了" then, asked why, "行 就这么提交吧": the
        # story the return started with is its reason, in the customer's words.
        if slot != "return_reason":
            return None
        opening = opening_text(tracker, self.form).strip()
        if opening == latest_text(tracker).strip() or not tells_a_reason(opening):
            return None
        return opening

    def later_slots(self, order: Order | None) -> list[str]:
        return ["return_reason"] if order and could_return(order) else []

    async def validate_return_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reading = read_return_reason(str(value or ""))
        return question_not_answer("return_reason", value, reading, dispatcher, lang_of(tracker))

    async def order_chosen(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order_id: str
    ) -> None:
        """Before the reason is asked, where the order stands in the return windows ("can i
        still return the shirt? got it 3 days ago": yes, inside the 7 days)."""
        order = await self._order(tracker, order_id)
        if order is None or tracker.get_slot("return_reason") or self.prefill(tracker):
            return
        check = check_return(order, quality_issue=False)
        days = check.days_since_delivery
        if check.eligible and days is not None:
            dispatcher.utter_message(
                text=say(
                    lang_of(tracker),
                    f"订单 {order.id}（{order.item}）签收{days}天，在{RETURN_DAYS_NO_REASON}天"
                    "无理由退货期内，可以退货～",
                    f"Order {order.id} ({order.item}) was delivered {days} day(s) ago, inside "
                    f"the {RETURN_DAYS_NO_REASON}-day no-reason return window, so it can be "
                    "returned.",
                )
            )
        elif days is not None and check_return(order, quality_issue=True).eligible:
            # "牛仔裤能退吗 没怎么穿 就是不太喜欢", 10 days on: only a quality problem now
            dispatcher.utter_message(
                text=say(
                    lang_of(tracker),
                    f"订单 {order.id}（{order.item}）已签收{days}天，超过了{RETURN_DAYS_NO_REASON}"
                    f"天无理由退货期；如果有质量问题，签收{RETURN_DAYS_QUALITY}天内仍可以退货～",
                    f"Order {order.id} ({order.item}) was delivered {days} days ago, past the "
                    f"{RETURN_DAYS_NO_REASON}-day no-reason return window; a quality problem can "
                    f"still be returned within {RETURN_DAYS_QUALITY} days of delivery.",
                )
            )


# The charge itself described with the request: what the form's question asks for.
_CHARGE = re.compile(
    r"扣款|扣了|扣钱|扣费|付了|已付|付过|支付了|交了钱|钱.{0,6}(?:扣|付)|"
    # "大衣付完钱了 打算什么时候寄出": paid, said as done
    r"付完|付好了|付款了|付钱了|交完|"
    r"\bcharged\b|\bcharges\b|\bpaid\b|\bdeducted\b|\btaken from\b|两笔",
    re.IGNORECASE,
)


class ValidatePaymentForm(OrderForm):
    form = "payment_form"

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "T恤那单我付了钱 支付宝都扣款了 订单还显示没付款": the charge, described already.
        # "my card got hit twice for the earbuds, 499 two times": a double charge says the charge
        # too — the 24-hour rule answers it, no question about the charge first
        text = latest_text(tracker)
        said = _CHARGE.search(text) or DOUBLE.search(to_mandarin(text))
        if not said and ORDER_ID.fullmatch(text.strip()) and rule_told(tracker):
            # "付了一次扣了我两遍钱" → the 24-hour rule → "20231120006": the charge was told
            # before the order id (actions.payment answers it for that order)
            said_before = [
                str(e.get("text") or "") for e in tracker.events or [] if e.get("event") == "user"
            ][-3:]
            reports = [t for t in said_before if DOUBLE.search(to_mandarin(t))]
            return given_slot(tracker, "payment_detail", reports[-1] if reports else None)
        return given_slot(tracker, "payment_detail", text if said else None)

    def later_slots(self, order: Order | None) -> list[str]:
        return ["payment_detail"] if order else []


class ValidateRepairForm(OrderForm):
    form = "repair_form"

    def read_answer(self, slot: str, text: str) -> Any:
        if slot != "fault_description" or is_general_question(text):
            return None
        return read_fault(text)

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "耳机左边没声音了 还在保修吗": the fault, given with the request.
        return given_slot(tracker, "fault_description", read_fault(latest_text(tracker)))

    async def order_chosen(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order_id: str
    ) -> None:
        """Before the fault is asked, that the order is in warranty and till when ("降噪耳机还在
        保修期内吗": yes, the repair is free) — what the customer asked first."""
        order = await self._order(tracker, order_id)
        if order is None or tracker.get_slot("fault_description") or self.prefill(tracker):
            return
        end = warranty_end(order)
        if order.status is not OrderStatus.DELIVERED or end is None or not in_warranty(order):
            return
        dispatcher.utter_message(
            text=say(
                lang_of(tracker),
                f"订单 {order.id}（{order.item}）在保修期内（至 {end.isoformat()}），"
                "保修期内非人为损坏免费维修～",
                f"Order {order.id} ({order.item}) is under warranty until {end.isoformat()}: "
                "repairs of non-accidental faults are free.",
            )
        )

    def later_slots(self, order: Order | None) -> list[str]:
        ok = order and order.status is OrderStatus.DELIVERED and in_warranty(order)
        return ["fault_description"] if ok else []

    async def validate_fault_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reading = read_fault(str(value or ""))
        return question_not_answer(
            "fault_description", value, reading, dispatcher, lang_of(tracker)
        )
