"""``file_complaint``: apologise first, hand off at once (reason ``complaint``, high priority) —
unless it is the quality problem the return flow just offered to take back ("其实是质量问题 裤脚
开线了" after "past the 7 days: 质量问题退货"), calmly said: that return; or a call from someone
claiming to be the shop, calmly asked about: the anti-fraud rule.
The staff console makes every complaint a ticket, whoever is online, and the bot's next line
names it (``start_handoff``); escalation agent → team lead → supervisor is the handoff service's
job."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._handoff import start_handoff
from actions._kb_answer import answered_from_kb
from actions._quality_return import quality_return_offered
from actions._services import get_services
from actions._shop_words import reports_scam
from actions._text import asks_for_person, is_angry, say
from actions._tracker import lang_of, latest_text


class ActionFileComplaint(Action):
    def name(self) -> str:
        return "action_file_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        if (offered := quality_return_offered(tracker)) is not None:
            # "其实是质量问题 裤脚开线了" right after "past the 7 days; a quality problem can
            # still be returned — tap 质量问题退货": that return, not a complaint.
            return [
                SlotSet("order_id", offered),
                SlotSet("return_reason", latest_text(tracker)),
                FollowupAction("return_form"),
            ]
        text = latest_text(tracker)
        if (
            reports_scam(text)
            and not (is_angry(text) or asks_for_person(text))
            and await answered_from_kb(dispatcher, tracker, "ask_faq")
        ):
            # "剛剛接到電話說是你們客服 說我被設定成分期付款 要我去ATM解除 這是真的嗎" (the NLU's
            # complaint): a scam reported and asked about, whose answer is the anti-fraud rule
            return []
        dispatcher.utter_message(
            text=say(
                lang,
                "非常抱歉给您带来了不好的体验，真的很抱歉！我们一定认真处理，"
                "现在就为您登记投诉并转给专门处理投诉的客服。",
                "I'm truly sorry for the trouble you've had. We will take this seriously: I'm "
                "registering your complaint now and passing it to the complaints team.",
            )
        )
        return await start_handoff(
            services,
            dispatcher,
            tracker,
            reason="complaint",
            priority="high",
            skill_group="complaints",
            summary=f"投诉 / complaint: {latest_text(tracker)[:200]}",
        )
