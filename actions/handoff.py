"""``request_human`` and the fallbacks: a customer who asks for a person gets one; two misses
in a row, or a clearly angry message, start a handoff too, and so does a VIP's first miss."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._handoff import is_vip, start_handoff
from actions._services import get_services
from actions._text import is_angry, say
from actions._tracker import lang_of, latest_text, previous_user_intent


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return await start_handoff(
            get_services(),
            dispatcher,
            tracker,
            reason="explicit_request",
            priority="normal",
            skill_group="aftersales",
            summary="客户要求转人工 / customer asked for a human",
        )


class ActionFallback(Action):
    """Runs on ``nlu_fallback``: rephrase once; angry, second miss or a VIP → a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        text = latest_text(tracker)
        if is_angry(text):
            return await start_handoff(
                get_services(),
                dispatcher,
                tracker,
                reason="negative_sentiment",
                priority="high",
                skill_group="aftersales",
                summary=f"客户情绪激动 / angry customer: {text[:200]}",
                lead=(
                    "非常抱歉让您不愉快了！我马上为您转接人工客服，请稍等～",
                    "I'm really sorry about this! Let me get a human agent for you right away.",
                ),
            )
        if previous_user_intent(tracker) == "nlu_fallback":
            return await start_handoff(
                get_services(),
                dispatcher,
                tracker,
                reason="repeated_fallback",
                priority="normal",
                skill_group="aftersales",
                summary=f"连续两次未理解 / two fallbacks in a row: {text[:200]}",
                lead=(
                    "抱歉呀，小蜜还是没能理解您的问题，为您转接人工客服来帮您～",
                    "Sorry, I still didn't understand — I'll bring in a human agent to help.",
                ),
            )
        if await is_vip(get_services(), tracker):
            return await start_handoff(
                get_services(),
                dispatcher,
                tracker,
                reason="vip",
                priority="normal",  # the handoff service raises it by the VIP level
                skill_group="aftersales",
                summary=f"VIP 客户未被理解 / VIP customer not understood: {text[:200]}",
                lead=(
                    "抱歉，小蜜没太理解您的意思～为了不耽误您的时间，马上为您转接人工客服～",
                    "Sorry, I didn't quite get that — so you don't have to wait, I'll bring in "
                    "a human agent right away.",
                ),
            )
        dispatcher.utter_message(
            text=say(
                lang,
                "抱歉，小蜜没太理解您的意思，可以换个说法再描述一下吗？"
                "比如“查订单”“退货”“开发票”～",
                "Sorry, I didn't quite get that. Could you say it another way? "
                'For example "track my order", "return an item" or "invoice".',
            ),
            buttons=[
                {"title": say(lang, "转人工客服", "Talk to an agent"), "payload": "/request_human"}
            ],
        )
        return []
