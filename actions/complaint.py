"""``file_complaint``: apologise first, record the complaint, hand off at once (reason
``complaint``, high priority; escalation agent → team lead → supervisor is the handoff
service's job)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._handoff import start_handoff
from actions._services import get_services
from actions._text import say
from actions._tracker import lang_of, latest_text


class ActionFileComplaint(Action):
    def name(self) -> str:
        return "action_file_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        dispatcher.utter_message(
            text=say(
                lang,
                "非常抱歉给您带来了不好的体验，真的很抱歉！您的投诉我已经完整记录，"
                "现在就为您转接专门处理投诉的客服，一定认真给您一个满意的答复。",
                "I'm truly sorry for the trouble you've had. I've recorded your complaint in full "
                "and I'm connecting you right now with the team that handles complaints.",
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
