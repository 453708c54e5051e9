"""What a customer says they want done with an item they received, read from its words: an
exchange ("换个M", "swap it for an L") or a wrong item sent ("连衣裙发错了 收到个黑色M") — rule 2c
of ``actions._decide`` and the return flow's start read them."""

from __future__ import annotations

import re

from actions._reading import CJK, ORDER_ID, is_long, simplified, split_clauses

__all__ = ["wants_exchange", "wrong_item_clause", "wrong_item_sent"]

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
    r" (?:was )?(?:sent|arrived|came|delivered)\b|"
    # "ordered a grey hoodie, recieved a pink one instead"
    r"\b(?:got|received|recieved|recived|receieved|sent me)\b (?:an? |the |some )[^.?!]{0,25}"
    r"\b(?:one|ones|pair|size|colou?r|version|model)\b instead\b|"
    # "我拍的M 寄来的是S", "买的是米白色 收到的却是黑色": what was bought, then what came
    r"(?:买|拍|下单|订|选)的(?:是)?[^，。,.!?？！]{1,8}?[\s，,]*(?:结果|但是|可是|怎么)?"
    r"(?:寄来|发来|收到|到手|送来|送到)的?(?:是|却是|竟然是|居然是|成了|变成)|"
    # "i ordered a medium and got a small"
    r"\bi (?:ordered|bought|picked|chose) (?:an? |the )?[\w -]{1,20}? (?:but|and) (?:i )?"
    r"(?:got|received|recieved|you sent(?: me)?) (?:an? |the |some )\w",
    re.IGNORECASE,
)


def wrong_item_sent(text: str) -> bool:
    """The message says a wrong item was sent (rule 2c of ``actions._decide``)."""
    return bool(_WRONG_ITEM.search(simplified(text)))


def wrong_item_clause(text: str) -> str | None:
    """What to search beside a short message saying a wrong item was sent: of several clauses,
    the clause that says it ("牛仔裤发错了 我买的深蓝27 收到的是浅蓝29" → "牛仔裤发错了": the
    colours and sizes around it weigh on the search); else the FAQ's own words."""
    if not wrong_item_sent(text) or ORDER_ID.search(text) or is_long(text):
        return None
    parts = split_clauses(text)
    said = [c for c in parts if wrong_item_sent(c)]
    if len(parts) > 1 and said:
        return said[0]
    # "我拍的M 寄来的是S" (said across its clauses), "i ordered a medium and got a small" (no
    # word of the FAQ's): the FAQ's own words
    return "发错货了" if CJK.search(text) else "you sent me the wrong item"
