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
    PERSONAL,
    is_change_detail,
    read_change_detail,
    read_confirmation,
    read_fault,
    read_invoice_title,
    read_invoice_type,
    read_return_reason,
)
from actions._flow_start import on_flow_start
from actions._flow_turns import (
    HANDLED,
    asks_invoice_state,
    end_quietly,
    is_fresh,
    on_flow_turn,
    opening_text,
    was_active,
)
from actions._orders import (
    FLOW_FORMS,
    FLOW_SLOTS,
    no_customer,
    not_found,
    orders_named,
    the_customer,
)
from actions._reading import ORDER_ID as _ORDER_ID
from actions._reading import is_general_question, wants_to_leave
from actions._services import get_services
from actions._text import person_button, say
from actions._tracker import lang_of, latest_text
from actions.invoice import PERSONAL_TITLE, invoice_timing, reissue_rules
from kefu.mandarin import to_mandarin
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


class _OrderForm(FormValidationAction):
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
        services = get_services()
        oid = normalise_order_id(order_id or tracker.get_slot("order_id"))
        cid = the_customer(services, tracker)
        return await services.shop.order(cid, oid) if oid and cid else None

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


class ValidateOrderStatusForm(_OrderForm):
    form = "order_status_form"


class ValidateShipmentForm(_OrderForm):
    form = "shipment_form"


class ValidateCancelForm(_OrderForm):
    form = "cancel_form"

    def read_answer(self, slot: str, text: str) -> Any:
        return read_confirmation(text) if slot == "cancel_confirmed" else None

    def later_slots(self, order: Order | None) -> list[str]:
        cancellable = order and order.status in (OrderStatus.UNPAID, OrderStatus.PAID)
        return ["cancel_confirmed"] if cancellable else []


def _given(tracker: Tracker, slot: str, value: Any) -> dict[str, Any]:
    """``{slot: value}`` when the message holds a value the slot does not have yet."""
    return {slot: value} if value and not tracker.get_slot(slot) else {}


class ValidateChangeForm(_OrderForm):
    form = "change_form"

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "20231120002的收货地址改成上海市…": the new address, given with the request.
        return _given(tracker, "change_detail", read_change_detail(latest_text(tracker)))

    def later_slots(self, order: Order | None) -> list[str]:
        return ["change_detail"] if order and not order.shipped else []

    async def validate_change_detail(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if is_change_detail(text):
            return {"change_detail": text}
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


class ValidateReturnForm(_OrderForm):
    form = "return_form"

    def read_answer(self, slot: str, text: str) -> Any:
        # "七天无理由退货" answers the question; it is not the FAQ on 七天无理由.
        if slot != "return_reason" or is_general_question(text):
            return None
        return read_return_reason(text)

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "那条裙子尺码不合适 想退货": the reason, given with the request.
        return _given(tracker, "return_reason", read_return_reason(latest_text(tracker)))

    def later_slots(self, order: Order | None) -> list[str]:
        return ["return_reason"] if order and could_return(order) else []

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


# A company's invoice announced without its name ("要公司抬头的", "要打統一編號": 税号 read
# through kefu.mandarin, "for my company").
_FOR_COMPANY = re.compile(
    r"公司|企业|单位|税号|\b(?:company|business|corporate|tax (?:id|number))\b", re.IGNORECASE
)
# "多久能开好", "什么时候能开出来": when the invoice will be ready, asked while the form waits.
_ASKS_WHEN = re.compile(
    r"多久|多长时间|几天|什么时候|啥时候|何时|几时|\bhow (?:long|soon|many days)\b|\bwhen\b",
    re.IGNORECASE,
)
# Events after which the form does not go on with its own next question.
_FORM_LEFT = frozenset({"action_execution_rejected", "followup", "active_loop"})


def _requested(events: list[dict[str, Any]]) -> list[Any]:
    return [
        e.get("value")
        for e in events
        if e.get("event") == "slot" and e.get("name") == "requested_slot"
    ]


def _before_message(tracker: Tracker, slot: str) -> Any:
    """``slot``'s value before the latest message (the NLU's entity may have replaced it)."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    found = [
        e.get("value")
        for e in events[: users[-1] if users else 0]
        if e.get("event") == "slot" and e.get("name") == slot
    ]
    return found[-1] if found else None


def _names_tax_id(text: str, value: Any) -> bool:
    """``value`` is a number the message gives only as a tax id ("統編 24536806"): it is in
    the text, and ``ORDER_ID`` does not read it as an order id there."""
    raw = str(value[-1] if isinstance(value, list) and value else value or "").strip()
    digits = re.sub(r"[\s-]", "", raw)
    if not digits.isdigit() or digits not in re.sub(r"[\s-]", "", text):
        return False
    return all(re.sub(r"[\s-]", "", m) != digits for m in _ORDER_ID.findall(text))


def _title_reply(text: str) -> str | None:
    """The title in the reply to the title question; a question asked instead ("对了 退货运费
    谁出啊") is none (the form answers it and asks again), never the invoice's title."""
    if is_general_question(text) and not read_invoice_title(text):
        return None
    return read_invoice_title(text, whole=True)


class ValidateInvoiceForm(_OrderForm):
    """The title is asked first; a personal title takes an ordinary e-invoice (no type asked),
    a company's the type unless named; a correction (the order has an invoice) is told how the
    invoice is reissued and asked the new title only."""

    form = "invoice_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        asked = tracker.get_slot("requested_slot")
        events = await super().run(dispatcher, tracker, domain)
        if any(e.get("event") in _FORM_LEFT for e in events):
            return events
        if not _requested(events):
            # Without it Rasa asks the domain's next empty slot (the type, before the title,
            # even of a correction): this form's own order says what comes next.
            tracker.slots.update(
                {e["name"]: e.get("value") for e in events if e.get("event") == "slot"}
            )
            following = await self.next_requested_slot(dispatcher, tracker, domain)
            events = [*events, *([following] if following else [])]
        if _requested(events)[-1:] == ["invoice_title"] and asked != "invoice_title":
            before = await self._before_the_title(dispatcher, tracker)
            if before is not None:
                return before
        return events

    async def _before_the_title(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]] | None:
        """What is said as the title is first asked: for a correction, the order's invoice and
        how it is reissued (an order reissued once already: no second time, a person offered,
        the events that end the form); for a company, that its full name is needed."""
        order = await self._order(tracker)
        if order is None:
            return None
        services = get_services()
        lang = lang_of(tracker)
        invoices = await services.shop.invoices(the_customer(services, tracker), order.id)
        if any(i.kind == "correction" for i in invoices):
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 的发票已经换开过一次了，每个订单只能换开一次～"
                    "如还需修改，我帮您转人工客服核实。",
                    f"The invoice for order {order.id} has already been reissued once, and an "
                    "order can be reissued only once. If it still needs a change, an agent can "
                    "look into it.",
                ),
                buttons=[person_button(lang)],
            )
            return end_quietly()
        if invoices:
            said = {str(m.get("faq_id") or "") for m in dispatcher.messages}
            if not any(f.startswith("inv-002") for f in said):  # the FAQ said it already
                dispatcher.utter_message(text=reissue_rules(lang, order, invoices))
            return None
        self._tell_company(dispatcher, tracker)
        return None

    async def order_chosen(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, order_id: str
    ) -> None:
        """A company's invoice announced without its name: said as soon as the order is known
        (not for a correction: its own words come before the new title)."""
        services = get_services()
        if not await services.shop.invoices(the_customer(services, tracker), order_id):
            self._tell_company(dispatcher, tracker)

    def _tell_company(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """A company's invoice announced without its name ("要公司抬头的", "要打統一編號", "for
        my company"): that its full name and tax number are needed — once."""
        words = to_mandarin(f"{opening_text(tracker, self.form)} {latest_text(tracker)}")
        if (
            tracker.get_slot("invoice_title")
            or read_invoice_title(latest_text(tracker))
            or PERSONAL.search(words)
            or not _FOR_COMPANY.search(words)
        ):
            return
        note = say(
            lang_of(tracker),
            "好的，公司抬头需要提供公司全称和税号～",
            "Sure — a company invoice needs the company's full name and tax number.",
        )
        if all(m.get("text") != note for m in dispatcher.messages):
            dispatcher.utter_message(text=note)

    def later_slots(self, order: Order | None) -> list[str]:
        if order and order.status not in (OrderStatus.UNPAID, OrderStatus.CANCELLED):
            return ["invoice_type", "invoice_title"]
        return []

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "抬头开错了 要改成上海某某科技有限公司": the new title, given with the request.
        # "个人的就行": a personal title, so an ordinary electronic invoice.
        text = latest_text(tracker)
        return {
            **_given(tracker, "invoice_title", read_invoice_title(text)),
            **_given(tracker, "invoice_type", read_invoice_type(text, lang_of(tracker))),
        }

    def read_answer(self, slot: str, text: str) -> Any:
        return _title_reply(text) if slot == "invoice_title" else None

    async def _answer_read(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]] | None:
        """ "多久能开好" while the type or title is asked: when this order's invoice will be
        ready (a reissue: 1 working day; a new one: 1–3), and the question again — before the
        general in-flow reading, whose knowledge base knows neither this order nor its
        invoice."""
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        if (
            requested not in ("invoice_type", "invoice_title")
            or text.startswith("/")
            or _ORDER_ID.search(text)
            or not _ASKS_WHEN.search(to_mandarin(text))
            or (order := await self._order(tracker)) is None
        ):
            return await super()._answer_read(dispatcher, tracker, domain)
        services = get_services()
        lang = lang_of(tracker)
        invoices = await services.shop.invoices(the_customer(services, tracker), order.id)
        kind = str(tracker.get_slot("invoice_type") or "") if requested != "invoice_type" else ""
        dispatcher.utter_message(text=invoice_timing(lang, order, invoices, kind))
        # "个人的 多久能开好": the answer given with the question is kept.
        value = (
            read_invoice_title(text)
            if requested == "invoice_title"
            else read_invoice_type(text, lang)
        )
        tracker.slots[str(requested)] = value
        following = await self.next_requested_slot(dispatcher, tracker, domain)
        return [SlotSet(str(requested), value), *([following] if following else [])]

    async def validate_order_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A tax id the NLU took for an order id ("統編 24536806") is no order: the order
        known before the message stays (none: the form asks which)."""
        if _names_tax_id(latest_text(tracker), value):
            return {"order_id": _before_message(tracker, "order_id")}
        return await super().validate_order_id(value, dispatcher, tracker, domain)

    async def validate_invoice_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """One of the two kinds, named as the buttons name them; anything else is asked again —
        and a company's name given instead ("抬头 杭州青禾贸易有限公司 税号 …") is kept as the
        title (it was taken whole as the invoice's kind: "申请开具抬头 杭州…")."""
        lang = lang_of(tracker)
        kind = read_invoice_type(str(value or ""), lang)
        if kind is not None:
            return {"invoice_type": kind}
        title = read_invoice_title(str(value or ""))
        if title and title != PERSONAL_TITLE:
            dispatcher.utter_message(
                text=say(lang, f"好的，抬头记下了：{title}～", f'Got it — title "{title}".')
            )
            return {"invoice_type": None, "invoice_title": title}
        return {"invoice_type": None}

    async def validate_invoice_title(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The title itself, not the sentence around it; none found → the form asks again (a
        kind named instead, "要专票", is kept as the kind)."""
        title = _title_reply(str(value or ""))
        kind = None if title else read_invoice_type(str(value or ""), lang_of(tracker))
        return {"invoice_title": title, **({"invoice_type": kind} if kind else {})}

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The order, then the title, then the type — not for a personal title (only an
        ordinary e-invoice) nor for a correction (it keeps the invoice's type)."""
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        if asks_invoice_state(tracker):
            return [s for s in slots if s == "order_id"]  # "发票开了没": the order's state only
        if "invoice_title" not in slots:
            return slots
        order = await self._order(tracker)
        services = get_services()
        if order and await services.shop.invoices(the_customer(services, tracker), order.id):
            return ["order_id", "invoice_title"]
        if tracker.get_slot("invoice_title") == PERSONAL_TITLE:
            return ["order_id", "invoice_title"]
        return ["order_id", "invoice_title", "invoice_type"]


# The charge itself described with the request: what the form's question asks for.
_CHARGE = re.compile(
    r"扣款|扣了|扣钱|扣费|付了|已付|付过|支付了|交了钱|钱.{0,6}(?:扣|付)|"
    r"\bcharged\b|\bpaid\b|\bdeducted\b|\btaken from\b",
    re.IGNORECASE,
)


class ValidatePaymentForm(_OrderForm):
    form = "payment_form"

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "T恤那单我付了钱 支付宝都扣款了 订单还显示没付款": the charge, described already.
        text = latest_text(tracker)
        return _given(tracker, "payment_detail", text if _CHARGE.search(text) else None)

    def later_slots(self, order: Order | None) -> list[str]:
        return ["payment_detail"] if order else []


class ValidateRepairForm(_OrderForm):
    form = "repair_form"

    def read_answer(self, slot: str, text: str) -> Any:
        if slot != "fault_description" or is_general_question(text):
            return None
        return read_fault(text)

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # "耳机左边没声音了 还在保修吗": the fault, given with the request.
        return _given(tracker, "fault_description", read_fault(latest_text(tracker)))

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
