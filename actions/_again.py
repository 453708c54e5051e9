""" "抬头写的啥来着 我忘了", "what was the tracking number again": the customer asks for something
the bot's last answer said. That answer came from the shop's data (an invoice's title, a
parcel's tracking number), which the knowledge base does not hold: it is said again, not
replaced by a policy answer on the same topic. Asked without "again" ("抬头写的是啥 我看下对不
对") it is said again only when that answer spoke of an order (named its id): a policy answer
is never the data asked for."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._reading import ORDER_ID
from actions._text import say
from actions._tracker import last_replies, latest_text
from kefu.i18n import to_simplified
from kefu.mandarin import to_mandarin

_AGAIN = re.compile(
    r"来着|忘了|忘记了|不记得|记不清|再说一[遍次下]|再发一[遍次下]|重复一[遍次下]|刚才说|"
    r"\b(?:again|remind me|what was (?:it|that)|forgot)\b",
    re.IGNORECASE,
)
# "抬头写的是啥", "what's the tracking no": what a field says, asked right after an order's data
_WHAT_IS = re.compile(
    r"是啥|是什么|写的啥|写的什么|写了啥|叫啥|是哪[个家]|\bwhat(?:'s|s| is| was)\b", re.IGNORECASE
)
# What of the answer is asked for, and the words that say it in the answer.
_ASKED = {
    r"抬头|\btitle\b": r"抬头|\btitle\b",
    r"单号|运单|快递号|\btracking\b": r"运单号|单号|\btracking\b",
    r"编号|申请号|\b(?:request|reference) (?:no|number)\b": r"编号|\brequest\b",
    r"哪家快递|什么快递|快递公司|\bcarrier\b|\bcourier\b": r"快递|物流|速运|\bcarrier\b",
    r"多少钱|金额|\bhow much\b|\bamount\b": r"¥|元|\byuan\b",
    r"地址|\baddress\b": r"地址|\baddress\b",
}


def asked_again(text: str, answered: str) -> bool:
    """``text`` asks again for something ``answered`` (the bot's last answer) said."""
    plain = to_mandarin(text or "")
    said = to_simplified(answered or "")
    if not said or len(plain) > 40:
        return False
    if not (_AGAIN.search(plain) or (_WHAT_IS.search(plain) and ORDER_ID.search(said))):
        return False
    return any(
        re.search(asked, plain, re.IGNORECASE) and re.search(where, said, re.IGNORECASE)
        for asked, where in _ASKED.items()
    )


def say_again(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> bool:
    """Say the last answer again when the latest message asks for what it said."""
    replies = [e for e in last_replies(tracker) if e.get("text")]
    answered = "\n".join(str(e["text"]) for e in replies)
    if not asked_again(latest_text(tracker), answered):
        return False
    dispatcher.utter_message(
        text=say(lang, "好的，再跟您说一遍：", "Sure, here it is again:") + "\n" + answered
    )
    return True
