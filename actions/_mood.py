"""A clearly angry customer, one who asks for a person in so many words ("都十天了还没到帐
帮我找人工查一下"), or one who would get word for word the answer they just had ("那你们帮我联系
快递改一下吧" after "已经发货，信息无法再修改了"), gets a person as well as the answer, in every
order flow: the same sentence again helps nobody (README, "Flows that never trap")."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._flow_turns import take_handled
from actions._follow_up_text import covers
from actions._handoff import angry_handoff, person_asked, start_handoff
from actions._reading import ORDER_ID, asks_something
from actions._services import Services, get_services
from actions._text import asks_for_person, is_angry, say
from actions._tracker import (
    answered_this_turn,
    lang_of,
    latest_text,
    previous_answer_text,
    previous_customer_text,
)
from kefu.mandarin import to_mandarin

# How many of the customer's latest messages count: a flow's form asks one or two questions
# after the message that started it, and the anger is usually in that first message.
RECENT_MESSAGES = 3


def angry_message(tracker: Tracker) -> str | None:
    """The most recent clearly angry message among the customer's latest ones, if any."""
    texts = [str(e.get("text") or "") for e in tracker.events or [] if e.get("event") == "user"][
        -RECENT_MESSAGES:
    ]
    return next((t for t in reversed(texts) if is_angry(t)), None)


_ASKS_WHEN = re.compile(r"哪天|几号|什么时候|啥时候|几时|\bwhen\b|what day", re.IGNORECASE)
_DATE_GIVEN = ("预计", "預計", "Expected by")


def said_again(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """The bot's texts for this message are word for word its answer to the message before,
    and the message did not just give the order's number (the same status for "订单号2023…"
    after the product's tracking is an answer, not a loop), nothing else was answered this turn
    ("能给我发顺丰吗" got the FAQ on SF before the flow said the status again) and the answer does
    not say what the message newly asks ("碎的要寄回去吗" after the damage rule: it says
    "无需寄回")."""
    text = latest_text(tracker)
    if ORDER_ID.search(text) or answered_this_turn(tracker):
        return False
    now = "\n".join(str(m.get("text") or "") for m in dispatcher.messages).strip()
    if not now or now != previous_answer_text(tracker).strip():
        return False
    if _ASKS_WHEN.search(to_mandarin(text)) and any(d in now for d in _DATE_GIVEN):
        return False  # "大概哪天能到 我在上海": the status again says its expected date
    # A question the same answer speaks to is answered; a request ("那你们帮我联系快递改一下吧")
    # that gets it again is the loop.
    return not (asks_something(text) and covers(text, previous_customer_text(tracker), now))


def _handed_off(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "slot" and e.get("name") == "handoff_reason" for e in events)


async def add_person_if_angry(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    events: list[dict[str, Any]],
    *,
    skill_group: str,
) -> list[dict[str, Any]]:
    """``events`` plus an apology and a handoff (``negative_sentiment``, high priority) when
    the customer is clearly angry and the flow has not handed off already."""
    text = angry_message(tracker)
    if text is None or _handed_off(events):
        return events
    dispatcher.utter_message(
        text=say(
            lang_of(tracker),
            "让您着急了，真的非常抱歉！我马上请人工客服来跟进～",
            "I'm really sorry for the frustration — let me bring in a person to follow up.",
        )
    )
    return events + await angry_handoff(
        services, dispatcher, tracker, text, skill_group=skill_group
    )


class FlowAction(Action):
    """An order flow's final action: ``answer``, then a person too if the customer is angry
    or asked for one in words."""

    action_name = ""
    skill_group = "aftersales"

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        handled = take_handled(tracker)
        if handled is not None:  # the form answered this turn itself (actions._flow_turns)
            return handled
        events = await self.answer(dispatcher, tracker, domain)
        text = latest_text(tracker)
        if asks_for_person(text) and not _handed_off(events):
            return events + await person_asked(get_services(), dispatcher, tracker, text)
        if said_again(dispatcher, tracker) and not _handed_off(events):
            return events + await start_handoff(
                get_services(),
                dispatcher,
                tracker,
                reason="flow_needs_human",
                skill_group=self.skill_group,
                summary=f"同一答复重复，客户仍需处理 / same answer twice: {text[:200]}",
                lead=(
                    "看来这个回答没能帮到您，我请人工客服来帮您处理～",
                    "That answer doesn't seem to help — let me bring in a person to sort it out.",
                ),
            )
        return await add_person_if_angry(
            get_services(), dispatcher, tracker, events, skill_group=self.skill_group
        )

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        raise NotImplementedError
