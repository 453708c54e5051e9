"""A customer's everyday phrasing of a shop topic, named in the FAQs' own words: "大年初三下的单
啥时候能寄出来" is the Spring Festival's shipping, "页面上便宜了15块 这种能补吗" a price drop
(not a restock: "补"), "anyone staffing the chat on sundays?" the service hours.

``actions._kb_search`` searches the message with the topic named *beside* the message itself,
each FAQ keeping its better score — the FAQ texts are never changed, so the learned layer of the
knowledge base does not move (writing such words into ``knowledge_base.text.normalise`` moved
unrelated scores by 0.03–0.08). Each reading is narrow on purpose: it fires on the topic's own
words (a price with 便宜了, points with a review), never on one word alone.
"""

from __future__ import annotations

from functools import lru_cache

from actions._reading import CJK, ORDER_ID, simplified
from actions._scam import SCAM_EN, SCAM_ZH, reports_scam
from actions._shop_readings import PRICE_DROP, READINGS, REFUSE, Reading

__all__ = ["PRICE_DROP", "REFUSE", "alone_queries", "named_queries"]


# services no order flow performs, whose rule answers a message naming an order too
# (``actions._decide``, rule 2c): a price drop, a parcel refused at the door
_NAMED_ORDER = (PRICE_DROP, REFUSE)


@lru_cache(maxsize=256)
def _fired(plain: str) -> tuple[Reading, ...]:
    """The readings a message (simplified) fires; when it names an order (its own case), only
    those of a service no flow performs (a price drop, a parcel refused).
    Cached: ``actions._kb_search`` asks for them and for the alone ones of the same message."""
    if ORDER_ID.search(plain):
        # ("20231120012 收到才两天便宜了十几块，能补我差额吗": a price drop is the price
        # protection's rule even for a named order — ``actions._decide``, rule 2c)
        return tuple(r for r in READINGS if r.pattern in _NAMED_ORDER and r.pattern.search(plain))
    return tuple(reading for reading in READINGS if reading.pattern.search(plain))


def _topic(reading: Reading, plain: str) -> str:
    return reading.zh if CJK.search(plain) else reading.en  # ("cool thx 🙏" is English too)


def named_queries(text: str) -> list[str]:
    """The message with each shop topic its phrasing reads as named in the FAQs' words, to be
    searched beside it (for a message naming an order, its own case, only a service's that no
    flow performs)."""
    plain = simplified(text or "")
    english = not CJK.search(plain)
    if reports_scam(plain):
        # "got a text from 'your store' asking for my verification code…": the anti-fraud
        # rule, whatever else the story names ("…说我被设定成分期付款": no instalments)
        return [f"{plain} {SCAM_EN if english else SCAM_ZH}"]
    return [
        _topic(reading, plain) if reading.alone else f"{plain} {_topic(reading, plain)}"
        for reading in _fired(plain)
    ]


def alone_queries(text: str) -> list[str]:
    """Of ``named_queries``, the topics whose words are the whole question (``Reading.alone``):
    their confident answer comes first, whatever the message's own words find."""
    plain = simplified(text or "")
    if reports_scam(plain):  # "…说我被设定成分期付款 要我去ATM解除": the scam, not instalments
        return []
    return [_topic(reading, plain) for reading in _fired(plain) if reading.alone]
