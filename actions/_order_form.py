"""The base of every order flow's form: ask for the order id (with the customer's recent orders
as buttons), check it belongs to the customer, take an order the message names by its product,
hand a turn to the flow's rules (``actions._flow_start``, ``actions._flow_turns``) and skip
questions a flow cannot use. The forms themselves are ``actions.order_forms`` and
``actions.invoice_form``."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._decide import own_state_flow
from actions._flow_start import on_flow_start
from actions._flow_turns import (
    HANDLED,
    is_fresh,
    on_flow_turn,
    run_instead,
    was_active,
)
from actions._orders import (
    FLOW_FORMS,
    FLOW_SLOTS,
    customer_order,
    no_customer,
    not_found,
    orders_named,
    the_customer,
    visitor_rule,
)
from actions._reading import ORDER_ID as _ORDER_ID
from actions._reading import wants_to_leave
from actions._services import get_services
from actions._tracker import lang_of, last_replies, latest_text
from shop import Order, normalise_order_id

__all__ = ["SWITCH_CONFIDENCE", "OrderForm", "given_slot"]

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
        asked_state = own_state_flow(latest_text(tracker)) if fresh else None
        if asked_state and asked_state != self.form and was_active(tracker, self.form):
            # "行吧 那看看我的耳机 发票开出来没" while the status flow asks which order: the
            # state of the product's invoice — that flow, on the order the product names
            return run_instead(asked_state, None)
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
        if found and len(found) == 1:
            return found[0].id
        if not starting and (only := _only_order_offered(tracker)) and self.prefill(tracker):
            # "我訂單上的手機號碼要改一下" → the one order that can change, offered → "改成
            # 13600005678": the answer to the question after it, so the order offered
            return only
        return None

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        """Later answers the customer already gave in this message."""
        return {}

    def read_answer(self, slot: str, text: str) -> Any:
        """The value of ``slot`` that ``text`` states plainly (``actions._answers``), else
        None: the form's usual reading (and the flow's turn rules) then take the message."""
        return None

    def answer_told(self, slot: str, tracker: Tracker) -> Any:
        """The value of ``slot`` the customer already told (in the message that started the
        flow) and now confirms with a plain yes ("行 就这么提交吧"), else None."""
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
            requested
            and requested != "order_id"
            and intent == "affirm"
            and not _ORDER_ID.search(text)
            and (told := self.answer_told(str(requested), tracker)) is not None
        ):
            # "行 就这么提交吧" when asked why: the answer is what the opening message told
            tracker.slots[str(requested)] = told
            following = await self.next_requested_slot(dispatcher, tracker, domain)
            return [SlotSet(str(requested), told), *([following] if following else [])]
        if (
            requested
            and intent in ("affirm", "deny")
            and not text.startswith("/")
            and self.read_answer(str(requested), text) is (intent == "deny")
        ):
            # "係呀 唔使留" (yes, no need to keep it) read as a no: the words say the opposite
            # of the intent in so many words — the words
            value = intent == "deny"
            tracker.slots[str(requested)] = value
            following = await self.next_requested_slot(dispatcher, tracker, domain)
            return [SlotSet(str(requested), value), *([following] if following else [])]
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
            if not dispatcher.messages:
                await visitor_rule(services, dispatcher, tracker, lang)
            no_customer(dispatcher, lang)
            return {"order_id": None, "requested_slot": None, HANDLED: True}
        oid = normalise_order_id(value)
        if oid is None or await services.shop.order(cid, oid) is None:
            not_found(dispatcher, lang, str(value or ""))
            return {"order_id": None}
        await self.order_chosen(dispatcher, tracker, oid)
        return {"order_id": oid}


def _only_order_offered(tracker: Tracker) -> str | None:
    """The order id of the one order button the bot's last reply offered, else None."""
    ids = [
        match.group(1)
        for reply in last_replies(tracker)
        for button in ((reply.get("data") or {}).get("buttons") or [])
        if (match := _OFFERED.fullmatch(str(button.get("payload") or "")))
    ]
    return ids[0] if len(ids) == 1 else None


_OFFERED = re.compile(r'/inform\{"order_id":"([A-Za-z0-9]+)"\}')


def given_slot(tracker: Tracker, slot: str, value: Any) -> dict[str, Any]:
    """``{slot: value}`` when the message holds a value the slot does not have yet."""
    return {slot: value} if value and not tracker.get_slot(slot) else {}
