"""A free-text answer a form takes whole (a return's reason, a repair's fault) that is a
question instead: "我是拼团拍的 这种也算吗" while the return form asks the reason is no reason,
and filing the return with it would do what the customer did not ask. The slot stays empty,
the customer is told the bot has no answer to that question (with a person one tap away, and
the reply counts as a miss: ``actions._tracker.MISS_MARKS``), and the form asks again."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions._reading import asks_something
from actions._text import person_button, say

__all__ = ["question_not_answer"]


def question_not_answer(
    slot: str,
    value: Any,
    reading: Any,
    dispatcher: CollectingDispatcher,
    lang: str,
) -> dict[str, Any]:
    """``{slot: value}``, or ``{slot: None}`` (said why) when ``value`` asks a question and
    ``reading`` — what the form's own reading found in it ("尺码不合适吗" names a reason) — is
    None."""
    text = str(value or "").strip()
    if not text or text.startswith("/") or reading is not None or not asks_something(text):
        return {slot: value}
    dispatcher.utter_message(
        text=say(
            lang,
            "抱歉，小蜜没找到这个问题的答案呢～可以点“转人工客服”问问同事。",
            "Sorry, I couldn't find an answer to that — an agent can tell you.",
        ),
        buttons=[person_button(lang)],
    )
    return {slot: None}
