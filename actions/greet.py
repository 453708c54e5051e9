"""``action_greet``: a warm welcome in the customer's language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._tracker import customer_lang
from kefu.i18n import pick

GREETING_ZH = "您好呀～我是智能客服小蜜，很高兴为您服务！请问有什么可以帮您的？"
GREETING_HANT = "您好呀～我是智能客服小蜜，很高興為您服務！請問有什麼可以幫您的？"
GREETING_EN = "Hello! I'm the shop's assistant — happy to help. What can I do for you today?"


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = customer_lang(tracker)
        dispatcher.utter_message(text=pick(lang, GREETING_ZH, GREETING_EN, GREETING_HANT))
        return []
