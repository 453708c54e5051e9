"""Flows that never trap: what an order flow's form does with a message that is not simply the
answer it asked for. Called by every form's validation (``actions/order_forms.py``).

- **Start** of a flow: ``actions._flow_start``.
- **Inside** a flow, on a fresh customer message:
  - "算了 / 不用了 / 先不退了 / never mind" leaves the flow (on a yes/no question it is the
    "no" the form asked for); a general question asked with it is answered;
  - a general question, or a tapped suggestion (``actions._picks``), is answered and the flow
    resumes with a short reminder, once;
  - a new order id replaces the one being discussed, whatever the form asked;
  - after that one reminder, a message that is still not an answer ends the flow and is
    handled as a new message (it may be a miss, and misses count toward the handoff rule).

A flow ended here sets ``turn_handled``; the flow's final action then stays silent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._answers import looks_like_address
from actions._decide import decide_with_kb, own_state_flow
from actions._follow_up import decide_in_context
from actions._handoff import complaint_handoff, person_asked
from actions._kb_search import faq_text
from actions._orders import (
    FLOW_SLOTS,
    corrected_task,
    task_topic,
    the_customer,
)
from actions._picks import answer_pick, is_pick
from actions._reading import ORDER_ID as _ORDER_ID
from actions._reading import joined_order_id, wants_to_leave
from actions._services import get_services
from actions._text import asks_for_person, complains_now, is_thanks, only_leaving, say
from actions._tracker import lang_of, latest_text, previous_answer_text, previous_customer_text
from shop import normalise_order_id

__all__ = [
    "HANDLED",
    "PAUSED",
    "asks_invoice_state",
    "end_quietly",
    "intent_of",
    "is_fresh",
    "on_flow_turn",
    "opening_text",
    "take_handled",
    "was_active",
]

HANDLED = "turn_handled"
INVOICE_FORM = "invoice_form"
PAUSED = "flow_paused"
YES_NO_SLOTS = frozenset({"cancel_confirmed"})
PERSON_INTENTS = frozenset({"request_human", "file_complaint"})


def _latest_user(events: list[dict[str, Any]]) -> int:
    return max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)


def was_active(tracker: Tracker, form: str) -> bool:
    """The form was already running when the customer wrote the latest message (Rasa hands
    the validation a tracker where the form is active even on its first call)."""
    events = list(tracker.events or [])
    loops = [e for e in events[: _latest_user(events)] if e.get("event") == "active_loop"]
    return bool(loops) and loops[-1].get("name") == form


def opening_text(tracker: Tracker, form: str) -> str:
    """The customer's message that started the running ``form`` (the latest message when the
    form starts with it): "发票开了没" asks the invoice's state, not for a new invoice."""
    events = list(tracker.events or [])
    last_user, opening, active = latest_text(tracker), None, False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            last_user = str(event.get("text") or "")
        elif kind == "active_loop":
            running = event.get("name") == form
            if running and not active:
                opening = last_user
            active = running
    return opening if active and opening is not None else latest_text(tracker)


def asks_invoice_state(tracker: Tracker) -> bool:
    """The invoice flow was started to ask the state of the order's invoice ("发票开了没"),
    not to request one: it needs the order only, and answers from the shop's data."""
    return own_state_flow(opening_text(tracker, INVOICE_FORM)) == INVOICE_FORM


def is_fresh(tracker: Tracker, form: str) -> bool:
    """The form reads the latest message for the first time: no other action ran since it
    (after an interruption — "谢谢" answered by a rule — Rasa runs the form again)."""
    events = list(tracker.events or [])
    since = events[_latest_user(events) + 1 :]
    return not any(
        e.get("event") == "action" and e.get("name") not in (form, "action_listen") for e in since
    )


def run_instead(form: str, order_id: str | Literal[False] | None = False) -> list[dict[str, Any]]:
    """Leave the flow under way and run ``form`` on this message instead, its questions reset;
    ``order_id``: the order it runs on (None forgets the one named; False keeps the slot)."""
    return [
        *(SlotSet(s, None) for s in FLOW_SLOTS),
        *([] if order_id is False else [SlotSet("order_id", order_id)]),
        SlotSet(PAUSED, None),
        SlotSet("requested_slot", None),
        FollowupAction(form),
    ]


def intent_of(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def end_quietly() -> list[dict[str, Any]]:
    """End the form now; its final action stays silent (``turn_handled``)."""
    return [
        *(SlotSet(s, None) for s in FLOW_SLOTS),
        SlotSet("order_id", None),
        SlotSet(PAUSED, None),
        SlotSet(HANDLED, True),
        SlotSet("requested_slot", None),
    ]


async def on_flow_turn(
    form: str,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    check_order: Callable[[str], Awaitable[dict[str, Any]]],
) -> list[dict[str, Any]] | None:
    """Events for a fresh message inside the flow that is not simply the answer asked for, or
    None to let the form validate it as usual."""
    text = latest_text(tracker)
    if intent_of(tracker) in PERSON_INTENTS and not only_leaving(text):
        return None  # "算了 帮我叫个人来吧": the rules bring the person
    if asks_for_person(text) and not only_leaving(text):
        # "it's been two days… please get one of your people to look at it" while the form
        # asks which order: a person asked for in so many words, not an answer to the question
        return [*await person_asked(get_services(), dispatcher, tracker, text), *end_quietly()]
    if complains_now(text):
        # "退啥退 …现在全耽误了 你们这店我投诉定了" while the return form asks the reason: a
        # complaint, not a reason — the apology and the complaints team, the flow left
        return [
            *await complaint_handoff(get_services(), dispatcher, tracker, text),
            *end_quietly(),
        ]
    lang = lang_of(tracker)
    requested = tracker.get_slot("requested_slot")
    if is_pick(tracker):
        # A tapped suggestion is a question, never the answer asked for: answered, and the
        # flow resumes with its reminder, as for a general question.
        picked = [*await answer_pick(get_services(), dispatcher, tracker), SlotSet(PAUSED, True)]
        if requested and requested not in YES_NO_SLOTS:
            picked.append(SlotSet(requested, None))
        return picked
    has_id = bool(_ORDER_ID.search(text))
    if requested in YES_NO_SLOTS and wants_to_leave(text):
        return [SlotSet(requested, False)]  # "算了 先不取消了" answers the yes/no question: no
    if wants_to_leave(text):
        # "先不退了 问下退货地址是哪里": leaving, with a general question the knowledge base
        # answers in the same breath — the question is answered too.
        asked = await decide_with_kb(get_services(), text, "", lang)
        if asked.source == "kb" and asked.hit is not None:
            dispatcher.utter_message(
                text=say(lang, "好的，这件事先不办理啦～", "No problem, I've stopped there.")
            )
            dispatcher.utter_message(text=faq_text(lang, asked.hit.answer), faq_id=asked.hit.faq_id)
            return end_quietly()
        dispatcher.utter_message(
            text=say(
                lang,
                "好的，这件事先不办理啦～还有什么可以帮您的吗？",
                "No problem, I've stopped there. Anything else I can help with?",
            )
        )
        return end_quietly()
    if (
        requested not in (None, "order_id", *YES_NO_SLOTS)
        and not has_id
        and is_thanks(text)
        and not looks_like_address(text)
    ):
        # "好 那我自己去订单里改 谢谢" while the new address is asked: done — not a bad address
        # (but "寄去上海市徐匯區漕溪北路88號1201室 唔該" is the address, with a thank-you)
        return moved_on(form)
    if has_id:
        if (switched := corrected_task(tracker, text)) and switched != form:
            # "歹勢打錯了 我是要問20231120031出貨了沒" while the invoice flow asks which order:
            # the correction asks that order's state in words of its own — that task, on it.
            return run_instead(switched, normalise_order_id(_ORDER_ID.findall(text)[-1]))
        if requested in (None, "order_id"):
            return None
        # "不对，是20231120004那单" while a later question waits: that order replaces this one.
        checked = await check_order(_ORDER_ID.findall(text)[-1])
        return [
            *(SlotSet(s, None) for s in FLOW_SLOTS),
            *(SlotSet(k, v) for k, v in checked.items()),
        ]
    if requested == "order_id" and (
        joined := joined_order_id(previous_customer_text(tracker), text)
    ):
        # "单号2023112" then "0004 刚手快按了发送": the order id, sent in two messages
        checked = await check_order(joined)
        return [SlotSet(k, v) for k, v in checked.items()]
    decision = await decide_in_context(
        get_services(),
        text,
        intent_of(tracker),
        lang,
        previous_customer_text(tracker),
        previous_answer_text(tracker),
        task_topic(tracker, lang),
    )
    if decision.source == "kb" and decision.hit is not None:
        dispatcher.utter_message(
            text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
        )
        events: list[dict[str, Any]] = [SlotSet(PAUSED, True)]
        if requested and requested not in YES_NO_SLOTS:
            events.append(SlotSet(requested, None))  # the question was not the answer
        return events
    if requested != "order_id":
        return None  # free text fills the slot; yes/no is read by the form
    if tracker.get_slot(PAUSED) or not the_customer(get_services(), tracker):
        # Reminded once already, or an anonymous visitor who was asked to log in (no order
        # number lets the bot look): the customer has moved on.
        return moved_on(form)
    # Something else (thanks, a miss, …): the rules answer it, the form reminds once.
    return [SlotSet(PAUSED, True), ActionExecutionRejected(form)]


def moved_on(form: str) -> list[dict[str, Any]]:
    """The customer has moved on: end the flow and let the rules handle the message as a new
    one (thanks answered as thanks)."""
    return [
        *(SlotSet(s, None) for s in FLOW_SLOTS),
        SlotSet(PAUSED, None),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecutionRejected(form),
    ]


def take_handled(tracker: Tracker) -> list[dict[str, Any]] | None:
    """For a flow's final action: the reset events when its form already handled the turn."""
    if tracker.get_slot(HANDLED):
        return [SlotSet(HANDLED, None)]
    return None
