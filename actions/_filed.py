"""A confirmation typed after the bot has already filed the request ("对 确认提交", "yes go ahead
and submit it" right after "已为订单…提交退货申请（编号 RT…）"): the bot files without a
confirmation step, so the customer is told that the request is in, with its number — not
"didn't understand"."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions._text import say
from actions._tracker import last_replies
from kefu.mandarin import to_mandarin

# The ids the shop gives requests (``shop.sql``): a prefix and ten hex digits.
RECORD_ID = re.compile(r"(?<![A-Za-z0-9])(RT|RP|IV)[0-9A-F]{10}(?![A-Za-z0-9])")
_KINDS = {
    "RT": ("退货申请", "return request"),
    "RP": ("维修申请", "repair request"),
    "IV": ("发票申请", "invoice request"),
}
# A confirmation is these words and nothing else but fillers.
_CONFIRM = re.compile(
    r"确认|提交|没问题|是的|对的|对|好的|好|可以|行|嗯|"
    r"\b(yes|yeah|yep|yup|sure|ok|okay|go ahead|submit|confirm|do it|please do)\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"吧|啊|呀|了|哈|的|就|直接|帮我|申请|这样|那就|"
    r"\b(and|it|please|pls|plz|the|request|then|now|thanks?)\b|[\s,.!，。！~～、]",
    re.IGNORECASE,
)


def filed_record(tracker: Tracker) -> str | None:
    """The request the bot reported filed in its answer to the previous message, if any."""
    found = None
    for event in last_replies(tracker):
        for match in RECORD_ID.finditer(str(event.get("text") or "")):
            found = match.group(0)
    return found


def confirms(text: str) -> bool:
    """A yes that asks and changes nothing ("对 确认提交", "yes go ahead and submit it")."""
    plain = to_mandarin((text or "").strip())
    if not _CONFIRM.search(plain) or len(plain) > 40:
        return False
    return not _FILLER.sub("", _CONFIRM.sub("", plain))


def already_filed(lang: str, record: str) -> str:
    zh, en = _KINDS[record[:2]]
    return say(
        lang,
        f"{zh}已提交（编号 {record}），不用再确认啦～还有什么可以帮您的吗？",
        f"Your {en} {record} is already submitted — there's nothing more to confirm. Anything"
        " else I can help with?",
    )
