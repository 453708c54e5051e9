"""``faq_pick``: a tapped "您想问的是… / Did you mean…" suggestion, answered by its FAQ id
(``actions._picks``), never read by the NLU again."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._picks import answer_pick
from actions._services import get_services


class ActionAnswerFaqPick(Action):
    def name(self) -> str:
        return "action_answer_faq_pick"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return await answer_pick(get_services(), dispatcher, tracker)
