"""Photos ready after an answer that asks for them ("照片我都拍好了 吊牌都没拆" after the wrong-item
or broken-item rule: "请在签收后15天内申请售后并上传照片"): where to send them, and a person one
tap away — the customer did what was asked, which is no miss."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._text import person_button, say
from actions._tracker import latest_text, previous_answer_text
from kefu.mandarin import to_mandarin

__all__ = ["photos_ready"]

_ASKED = re.compile(r"照片|视频|photos?|videos?", re.IGNORECASE)
_PHOTOS = re.compile(
    r"照片|图片|相片|拍好|拍了|截图|视频|\b(?:photos?|pics?|pictures?|videos?|screenshots?)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"[?？吗嗎]|怎么|怎样|哪里|哪儿|\b(?:how|where|what)\b", re.IGNORECASE)


def photos_ready(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> bool:
    """When the customer says the photos the last answer asked for are ready: where they go,
    a person offered; True when that was said."""
    text = to_mandarin(latest_text(tracker))
    if not (_PHOTOS.search(text) and _ASKED.search(to_mandarin(previous_answer_text(tracker)))):
        return False
    if _QUESTION.search(text):
        return False  # "照片怎么上传": a question, the knowledge base's
    dispatcher.utter_message(
        text=say(
            lang,
            "好的～在订单详情点「申请售后」就可以上传照片提交；也可以点下面的按钮，"
            "我马上请售后专员来帮您处理～",
            "Great — you can upload them under the order's After-sales request; or tap below and"
            " I'll bring in an after-sales specialist to handle it.",
        ),
        buttons=[person_button(lang)],
    )
    return True
