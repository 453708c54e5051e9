"""Forms of the order flows: ask for the order id (with the customer's recent orders as
buttons), check it belongs to the customer, and skip questions a flow cannot use."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._answers import (
    is_change_detail,
    read_change_detail,
    read_confirmation,
    read_fault,
    read_return_reason,
)
from actions._flow_start import on_flow_start
from actions._flow_turns import (
    HANDLED,
    is_fresh,
    on_flow_turn,
    was_active,
)
from actions._free_answers import question_not_answer
from actions._orders import (
    FLOW_FORMS,
    FLOW_SLOTS,
    customer_order,
    no_customer,
    not_found,
    orders_named,
    the_customer,
)
from actions._reading import ORDER_ID as _ORDER_ID
from actions._reading import is_general_question, wants_to_leave
from actions._services import get_services
from actions._text import say
from actions._tracker import lang_of, latest_text
from shop import (
    RETURN_DAYS_NO_REASON,
    RETURN_DAYS_QUALITY,
    Order,
    OrderStatus,
    check_return,
    could_return,
    in_warranty,
    normalise_order_id,
    warranty_end,
)

SWITCH_CONFIDENCE = 0.7


def _tapped_choice(tracker: Tracker, domain: DomainDict) -> bool:
    """The message is one of the choices the form's question offered as buttons ("Wrong size"
    for the return's reason): the answer asked for, whatever flow its words sound like."""
    requested = tracker.get_slot("requested_slot")
    responses = (domain.get("responses") or {}).get(f"utter_ask_{requested}") or []
    offered = {b.get("payload") for r in responses for b in r.get("buttons") or []}
    return latest_text(tracker).strip() in offered


class OrderForm(FormValidationAction):
    """Validates ``order_id`` against the customer's own orders."""

    form = ""
    skill_group = "aftersales"

    def name(self) -> str:
        return f"validate_{self.form}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        fresh = is_fresh(tracker, self.form)
        if fresh and not was_active(tracker, self.form):  # the flow starts with this message
            replaced = await on_flow_start(self.form, dispatcher, tracker, self.skill_group)
            if replaced is not None:
                return replaced
        intent = (tracker.latest_message or {}).get("intent") or {}
        target = FLOW_FORMS.get(str(intent.get("name")))
        if (
            fresh  # not a form another action started for this message (a FollowupAction)
            and target
            and target != self.form
            and tracker.active_loop_name == self.form
            and float(intent.get("confidence") or 0.0) >= SWITCH_CONFIDENCE
            and not _tapped_choice(tracker, domain)
        ):
            # Another flow (e.g. "订单…到哪了" while an invoice form waits): reject, so the
            # rules start that flow's form; answers typed into this form are forgotten.
            return [*(SlotSet(s, None) for s in FLOW_SLOTS), ActionExecutionRejected(self.form)]
        named = await self._named_order(
            tracker, starting=fresh and not was_active(tracker, self.form)
        )
        if fresh and was_active(tracker, self.form) and named is None:
            answered = await self._answer_read(dispatcher, tracker, domain)
            if answered is not None:
                return answered
            handled = await on_flow_turn(
                self.form,
                dispatcher,
                tracker,
                lambda oid: self.validate_order_id(oid, dispatcher, tracker, domain),
            )
            if handled is not None:
                return handled
        prefilled = {**self.prefill(tracker), **({"order_id": named} if named else {})}
        tracker.slots.update(prefilled)
        if named:  # (an order the product names is not validated: Rasa did not set the slot)
            await self.order_chosen(dispatcher, tracker, named)
        events: list[dict[str, Any]] = await super().run(dispatcher, tracker, domain)
        # The order the message names wins over one validated from before this message.
        last = [SlotSet("order_id", named)] if named else []
        return [*(SlotSet(k, v) for k, v in prefilled.items()), *events, *last]

    async def order_chosen(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order_id: str
    ) -> None:
        """What the flow says as soon as it knows the order (nothing by default)."""

    async def _named_order(self, tracker: Tracker, starting: bool) -> str | None:
        """The id of the one order of this customer whose product the message names, while
        the flow still needs an order ("我买的跑步鞋到哪了", "the earbuds one") or as it starts
        (the order of the task before is not this one's: "保温杯发货了吗" → "那手环呢"); several
        or none: None, and ``action_ask_order_id`` asks which."""
        if tracker.get_slot("requested_slot") not in (None, "order_id"):
            return None
        if tracker.get_slot("order_id") and not starting:
            return None
        found = await orders_named(get_services(), tracker)
        return found[0].id if found and len(found) == 1 else None

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        """Later answers the customer already gave in this message."""
        return {}

    def read_answer(self, slot: str, text: str) -> Any:
        """The value of ``slot`` that ``text`` states plainly (``actions._answers``), else
        None: the form's usual reading (and the flow's turn rules) then take the message."""
        return None

    async def _answer_read(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]] | None:
        """The answer to the question the form is waiting on, read from the message before
        anything else may take it ("嗯 确定取消" confirms; it is not the FAQ on cancelling)."""
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        intent = str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")
        if (
            not requested
            or requested == "order_id"
            or text.startswith("/")
            or intent in ("affirm", "deny", "request_human", "file_complaint")
            or _ORDER_ID.search(text)
            or wants_to_leave(text)
        ):
            return None
        value = self.read_answer(str(requested), text)
        if value is None:
            return None
        tracker.slots[str(requested)] = value
        # The next question as this form's required slots say (a correction skips the type).
        following = await self.next_requested_slot(dispatcher, tracker, domain)
        return [SlotSet(str(requested), value), *([following] if following else [])]

    async def _order(self, tracker: Tracker, order_id: Any = None) -> Order | None:
        """The customer's order ``order_id`` (default: the slot's), or None."""
        return await customer_order(get_services(), tracker, order_id)

    def later_slots(self, order: Order | None) -> list[str]:
        return []

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("order_id") is None:
            return ["order_id"]
        keep = set(self.later_slots(await self._order(tracker)))
        return ["order_id"] + [s for s in domain_slots if s != "order_id" and s in keep]

    async def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        services = get_services()
        lang = lang_of(tracker)
        if isinstance(value, list):
            value = value[-1] if value else None
        cid = the_customer(services, tracker)
        if not cid:
            # Said once: the flow's final action stays silent (it would say it again).
            no_customer(dispatcher, lang)
            return {"order_id": None, "requested_slot": None, HANDLED: True}
        oid = normalise_order_id(value)
        if oid is None or await services.shop.order(cid, oid) is None:
            not_found(dispatcher, lang, str(value or ""))
            return {"order_id": None}
        await self.order_chosen(dispatcher, tracker, oid)
        return {"order_id": oid}


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


def given_slot(tracker: Tracker, slot: str, value: Any) -> dict[str, Any]:
    """``{slot: value}`` when the message holds a value the slot does not have yet."""
    return {slot: value} if value and not tracker.get_slot(slot) else {}


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
    r"\bcharged\b|\bcharges\b|\bpaid\b|\bdeducted\b|\btaken from\b|两笔",
    re.IGNORECASE,
)


class ValidatePaymentForm(OrderForm):
    form = "payment_form"

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "T恤那单我付了钱 支付宝都扣款了 订单还显示没付款": the charge, described already.
        text = latest_text(tracker)
        return given_slot(tracker, "payment_detail", text if _CHARGE.search(text) else None)

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
