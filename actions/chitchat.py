"""``goodbye`` and ``thank``: a plain "拜拜" or "谢谢" gets the closing line or "不客气" — but
the NLU reads some messages as a goodbye or a thanks that are neither ("咁你叫個做銷售嘅同我傾下
價錢啦" read as thanks, "哦不对 记岔了 我那单走的是支付宝" as a goodbye). A person asked for in
words gets one, an angry message an apology and a person, and a message that says more than a
goodbye or a thanks goes through the FAQ action's decision step (``actions.faq``), which reads
it with the answer before it. ``bot_challenge`` ("你是机器人吗") says it is the shop's assistant —
unless the message asks for a person or when people are there ("晚上十一点多还有真人在线回复吗":
the agents' hours, an FAQ)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._handoff import person_or_anger
from actions._kb_search import search_kb
from actions._reading import CJK, wants_to_leave
from actions._services import get_services
from actions._text import asks_about_agent_hours, is_thanks
from actions._tracker import lang_of, latest_text
from kefu.mandarin import to_mandarin

# The words of a goodbye or a thanks; a message of these and little else is one.
_CLOSING = re.compile(
    r"再见|拜拜|拜了|88|回见|下次见|先这样|就这样|没事了|没问题了|谢谢|谢了|多谢|感谢|辛苦了|好的|好滴|好嘞|"
    r"行|嗯|哦|噢|ok|okay|bye|goodbye|see ya|see you|cya|thanks?|thx|ty|cheers|"
    r"[\s,，.。!！~～👋🙏👍😊]",
    re.IGNORECASE,
)
PLAIN_CJK = 6  # characters besides the closing words: "好的谢谢 那我先下了" is still one
PLAIN_WORDS = 3


def only_closing(text: str) -> bool:
    """A goodbye or thanks and little else ("好的 拜拜", "thanks so much!", "唔该晒")."""
    plain = to_mandarin((text or "").strip())
    if is_thanks(plain) or wants_to_leave(plain):
        return True
    rest = _CLOSING.sub("", plain)
    if CJK.search(plain):
        return len(rest) <= PLAIN_CJK
    return len(rest.split()) <= PLAIN_WORDS


class _Closing(Action, ABC):
    response = ""

    @abstractmethod
    def name(self) -> str:  # (abstract: rasa-sdk registers every concrete Action subclass)
        ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if (handed := await person_or_anger(get_services(), dispatcher, tracker, text)) is not None:
            return handed
        if text and not text.startswith("/") and not only_closing(text):
            return [FollowupAction("action_answer_faq")]
        dispatcher.utter_message(response=self.response)
        return []


class ActionGoodbye(_Closing):
    response = "utter_goodbye"

    def name(self) -> str:
        return "action_goodbye"


class ActionThank(_Closing):
    response = "utter_thank"

    def name(self) -> str:
        return "action_thank"


class ActionBotChallenge(Action):
    """``bot_challenge``: "我是店铺的智能客服助手" — but a person asked for in the same breath
    ("你是机器人吧 给我转人工") gets one, and a question about when people answer ("晚上十一点多还
    有真人在线回复吗") gets the agents' hours from the knowledge base."""

    def name(self) -> str:
        return "action_bot_challenge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if (handed := await person_or_anger(get_services(), dispatcher, tracker, text)) is not None:
            return handed
        if asks_about_agent_hours(text):
            return [FollowupAction("action_answer_faq")]
        if not _ABOUT_THE_BOT.search(to_mandarin(text)) and await _kb_sure(tracker, text):
            # "Are the sneakers you sell authentic, or are they replicas?" read as a question
            # to the bot: the shop's question, which the knowledge base answers for sure
            return [FollowupAction("action_answer_faq")]
        dispatcher.utter_message(response="utter_iamabot")
        return []


# The bot itself asked about ("你是机器人吗", "am I talking to a human"): who answers, never an FAQ
_ABOUT_THE_BOT = re.compile(
    r"机器人|真人|人工|智能|客服|自动|\b(?:bot|robot|ai|human|person|real|automated|assistant|"
    r"agent|machine)\b",
    re.IGNORECASE,
)


async def _kb_sure(tracker: Tracker, text: str) -> bool:
    hits, thresholds = await search_kb(get_services(), text, lang_of(tracker), record=False)
    return bool(hits and thresholds and hits[0].score >= thresholds.confident)
