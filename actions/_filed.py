"""A confirmation typed after the bot has already filed the request ("对 确认提交", "yes go ahead
and submit it" right after "已为订单…提交退货申请（编号 RT…）"): the bot files without a
confirmation step, so the customer is told that the request is in, with its number — not
"didn't understand". The same for a yes right after the bot changed an order's address."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions._reading import CJK, asks_something
from actions._text import is_thanks, say
from actions._tracker import last_replies
from kefu.i18n import to_simplified
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
    r"确认|提交|没问题|是的|对的|对|好的|好|可以|行|嗯|没错|就这个|就这么[办报弄定]?|就这样|改这个|"
    r"\b(yes|yeah|yep|yup|sure|ok|okay|go ahead|submit|confirm|do it|please do|proceed|"
    r"that'?s (?:right|correct)|correct)\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"吧|啊|呀|了|哈|的|就|直接|帮我|申请|这样|那就|呐|呗|啦|"
    r"\b(and|it|please|pls|plz|the|request|then|now|thanks?)\b|[\s,.!，。！~～、]",
    re.IGNORECASE,
)


# A clause restating the reason of the request ("ok its just too small, go ahead"), dropped
# before the rest is read as a confirmation.
_CLAUSES = re.compile(r"[,，.。;；!！]+")
_CJK_CLAUSES = re.compile(r"[\s,，.。;；!！]+")  # Chinese clauses are separated by spaces too
_REASON = re.compile(
    r"太大|太小|偏大|偏小|不合适|不喜欢|不想要|质量|\btoo (?:big|small|large|tight|loose)\b|"
    r"\bdoesn'?t fit\b|\bdon'?t (?:like|want)\b",
    re.IGNORECASE,
)
# An act asked for in so many words: what a yes must say when the filing was turns ago.
_ACT = re.compile(
    r"确认|提交|退吧|办吧|申请吧|\b(go ahead|submit|confirm|do it|please do|file it|proceed)\b",
    re.IGNORECASE,
)
RECENT_TURNS = 3


def filed_record(tracker: Tracker) -> str | None:
    """The request the bot reported filed in its answer to the previous message, if any."""
    return _record_in(last_replies(tracker))


def _record_in(events: list[dict[str, object]]) -> str | None:
    found = None
    for event in events:
        for match in RECORD_ID.finditer(str(event.get("text") or "")):
            found = match.group(0)
    return found


def _recent_replies(tracker: Tracker, turns: int) -> list[dict[str, object]]:
    """The bot's answers to the customer's ``turns`` messages before the latest one."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    start = users[-1 - turns] if len(users) > turns else 0
    end = users[-1] if users else len(events)
    return [e for e in events[start:end] if e.get("event") == "bot"]


def confirms(text: str) -> bool:
    """A yes that asks and changes nothing ("对 确认提交", "yes go ahead and submit it"; "ok its
    just too small, go ahead": the reason restated is no new question)."""
    plain = to_mandarin((text or "").strip())
    if not _CONFIRM.search(plain) or len(plain) > 60:
        return False
    clauses = (_CJK_CLAUSES if CJK.search(plain) else _CLAUSES).split(plain)
    kept = [c for c in clauses if c.strip() and not _REASON.search(c)]
    rest = " ".join(kept) if kept else plain
    if (
        bool(kept)
        and _CONFIRM.search(rest) is not None
        and not _FILLER.sub("", _CONFIRM.sub("", rest))
    ):
        return True
    # "yep tags are on, go ahead and submit it": a yes, beside a statement that asks nothing
    # (not thanks: "ok 谢谢" is done, not confirming)
    if is_thanks(plain):
        return False
    return any(
        _CONFIRM.search(c) and not _FILLER.sub("", _CONFIRM.sub("", c)) for c in kept
    ) and not any(asks_something(c) for c in kept)


def confirmed_filing(tracker: Tracker, text: str) -> str | None:
    """The request a confirmation is about: the one filed in the answer just before, or — when
    the yes asks for the act in so many words ("go ahead") — one filed a few turns ago, with a
    question answered since ("who pays the postage for that")."""
    if not confirms(text):
        return None
    if record := filed_record(tracker):
        return record
    if _ACT.search(to_mandarin(text)):
        return _record_in(_recent_replies(tracker, RECENT_TURNS))
    return None


def filed_lately(tracker: Tracker, prefix: str) -> tuple[str, str] | None:
    """The request of kind ``prefix`` ("RP": a repair) the bot reported filed in its answers to
    the last few messages, and the answer that said so: "帮我提交维修" a turn after the repair
    was filed asks for it again."""
    replies = _recent_replies(tracker, RECENT_TURNS)
    record = _record_in(replies)
    if not record or not record.startswith(prefix):
        return None
    said = next(str(e.get("text") or "") for e in replies if record in str(e.get("text") or ""))
    return record, said


# The change flow's own words when it changed an order's address or phone (actions.change)
_CHANGED = re.compile(
    r"(收货地址|收货手机号)已(?:更新|修改)为|\b(delivery address|phone number) is now\b"
)


_THANKS_WORDS = re.compile(r"谢谢你?|多谢|\bthanks?(?: you)?\b|\bthx\b", re.IGNORECASE)


def confirmed_change(tracker: Tracker, text: str) -> str | None:
    """A yes right after the bot changed the order's address or phone ("没问题 就这个", "對 改這個
    謝謝你"): it is done already, nothing to confirm — what was changed ("收货地址" or
    "收货手机号"), else None."""
    if not confirms(_THANKS_WORDS.sub(" ", to_mandarin(text or ""))):
        return None
    for event in last_replies(tracker):
        if found := _CHANGED.search(to_simplified(str(event.get("text") or ""))):
            if found.group(1):
                return found.group(1)
            return "收货地址" if found.group(2) == "delivery address" else "收货手机号"
    return None


def already_changed(lang: str, what: str) -> str:
    """``what`` ("收货地址" / "收货手机号") was changed already: nothing to confirm."""
    en = "delivery address" if what == "收货地址" else "phone number"
    return say(
        lang,
        f"{what}已修改好啦，就是刚才这个，不用再确认～还有什么可以帮您的吗？",
        f"The {en} is already updated — nothing more to confirm. Anything else I can help with?",
    )


def already_filed(lang: str, record: str) -> str:
    zh, en = _KINDS[record[:2]]
    return say(
        lang,
        f"{zh}已提交（编号 {record}），不用再确认啦～还有什么可以帮您的吗？",
        f"Your {en} {record} is already submitted — there's nothing more to confirm. Anything"
        " else I can help with?",
    )
