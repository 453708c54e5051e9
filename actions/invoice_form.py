"""``invoice_form``: the title first — a personal one takes an ordinary e-invoice, a company's
the type unless named —, a reissue explained before its new title, a tax id never read as an
order id, a timing question inside the form answered (``ValidateInvoiceForm``)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._answers import (
    PERSONAL,
    read_invoice_title,
    read_invoice_type,
)
from actions._flow_turns import (
    asks_invoice_state,
    end_quietly,
    opening_text,
)
from actions._order_form import OrderForm, given_slot
from actions._orders import (
    the_customer,
)
from actions._reading import ORDER_ID as _ORDER_ID
from actions._reading import is_general_question
from actions._services import get_services
from actions._text import person_button, say
from actions._tracker import lang_of, latest_text
from actions.invoice import PERSONAL_TITLE, invoice_timing, reissue_rules
from kefu.mandarin import to_mandarin
from shop import (
    Order,
    OrderStatus,
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


class ValidateInvoiceForm(OrderForm):
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
        if _requested(events)[-1:] == ["invoice_type"] and asked != "invoice_type":
            # "company title is ACME Ltd." read from the message: said back before the type
            title = str(tracker.get_slot("invoice_title") or "")
            if title and title != PERSONAL_TITLE:
                dispatcher.utter_message(
                    text=say(
                        lang_of(tracker), f"好的，抬头：{title}～", f'Got it — title "{title}".'
                    )
                )
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
            **given_slot(tracker, "invoice_title", read_invoice_title(text)),
            **given_slot(tracker, "invoice_type", read_invoice_type(text, lang_of(tracker))),
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
