"""What a customer says they want done with an item they received, read from its words: an
exchange ("换个M", "swap it for an L") or a wrong item sent ("连衣裙发错了 收到个黑色M") — rule 2c
of ``actions._decide`` and the return flow's start read them."""

from __future__ import annotations

import re

from actions._reading import ORDER_ID, is_long, simplified, split_clauses

__all__ = ["no_reason_query", "wants_exchange", "wrong_item_clause", "wrong_item_sent"]

# "换个M", "换货", "swap it for a M": an exchange asked for (the return flow's words, not its task).
_EXCHANGE = re.compile(
    r"换货|换(?:个|一个|一件|一双|一条|成|大|小)|\b(?:exchange|swap)\b", re.IGNORECASE
)


def wants_exchange(text: str) -> bool:
    """The message asks for an exchange ("换个M", "can i swap the shirt for an L"); only where a
    return is what it would otherwise start (换个地址 is no exchange)."""
    return bool(_EXCHANGE.search(simplified(text or "")))


# A wrong item sent ("连衣裙发错了 我买的米白S 收到个黑色M", "you sent me the wrong size"): photos
# and a reship, exchange or refund by after-sales — no order flow, not the parcel's status.
_WRONG_ITEM = re.compile(
    r"发错|寄错|错发|发成了|收到的?(?:东西)?不是我(?:买|要|订|拍)的|"
    r"\b(?:sent|got|received) (?:me )?(?:the |a )?wrong\b|\bwrong (?:item|size|colou?r|product)"
    r" (?:was )?(?:sent|arrived|came|delivered)\b",
    re.IGNORECASE,
)


def wrong_item_sent(text: str) -> bool:
    """The message says a wrong item was sent (rule 2c of ``actions._decide``)."""
    return bool(_WRONG_ITEM.search(simplified(text)))


def wrong_item_clause(text: str) -> str | None:
    """Of a short message of several clauses saying a wrong item was sent, the clause that says
    it ("牛仔裤发错了 我买的深蓝27 收到的是浅蓝29" → "牛仔裤发错了"): the colours and sizes
    around it weigh on the search."""
    if not wrong_item_sent(text) or ORDER_ID.search(text) or is_long(text):
        return None
    parts = split_clauses(text)
    said = [c for c in parts if wrong_item_sent(c)]
    return said[0] if len(parts) > 1 and said else None


# "東西拿到覺得不喜歡 幾天內可以退": not liking it (or not wanting it any more) is the no-reason
# return's reason; the knowledge base, reading "退" beside a dislike, leans to the quality rule.
_NO_REASON = re.compile(
    r"(?:不喜欢|不合心意|不想要了)(?=.{0,12}(?:退(?!款|钱)|还回去))|"
    r"\b(?:don'?t|do not|didn'?t) (?:like|love|want) (?:it|them)\b(?=.{0,40}\b(?:return|send))",
    re.IGNORECASE,
)


def no_reason_query(text: str) -> str | None:
    """The question with the no-reason return named ("…不喜欢 无理由退货 …"), searched beside
    the message (``actions._kb_search``) when it gives not liking an item as the reason for a
    return, else None. Beside, never instead: each FAQ keeps its better score."""
    plain = simplified(text or "")
    if ORDER_ID.search(plain) or not _NO_REASON.search(plain):
        return None
    return f"{plain} {'no reason return' if plain.isascii() else '无理由退货'}"
