"""The answer that names what the customer names.

The knowledge base ranks FAQs by how their questions are asked; two FAQs of one topic are often
asked alike, the general rule and its exception: "内衣拆了还能七天无理由吗" finds "支持七天无理由
退货吗" (yes, within 7 days) far ahead of "哪些商品不支持七天无理由退货" (…贴身内衣（拆封后）), and
the customer would be told yes. The rule (part of the decision step's search, ``actions._decide``):

- the message names a thing (a Chinese noun of two or more characters: ``knowledge_base.nouns``)
  that the best hit's question and answer do not;
- one of the next two hits (scored above ``NAMING_FLOOR``: the calibrated scores leave little
  to the runners-up of a confident best) names it in its question or answer, and shares
  a shop topic with the best hit's question (``knowledge_base.topic_terms``: the same subject,
  the exception of that rule — not another subject that happens to use the word);
- then that hit is the best, with the best one's score (the topic was found with that
  confidence; the named thing picks the FAQ within it), and the best one takes its place.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from actions._reading import CJK
from kefu.i18n import to_simplified
from kefu.mandarin import to_mandarin
from knowledge_base import nouns, topic_terms
from knowledge_base.api import Hit

__all__ = ["NAMING_FLOOR", "naming_first"]

NAMING_FLOOR = 0.001  # in the top three and not nothing: the topic and the named thing decide
# "什么资料", "哪些商品": a noun a question word asks for names nothing of the customer's
_ASKED_OF = "(?:啥|什么|哪些|哪种|哪个|哪家|多少)"
# Nouns that name no particular thing ("有電池的東西可以寄嗎": 东西; "买了衣服能换尺码吗": 衣服)
_GENERIC = frozenset(
    ("东西", "问题", "情况", "事情", "时候", "商品", "产品", "宝贝", "订单", "客服", "时间", "资料",
     "办法", "方法", "地方", "朋友", "人家", "大家", "时效", "费用", "衣服", "衣物", "鞋子")
)  # fmt: skip


MAX_CHARS = 120  # a longer message is a story: its question was read by itself (``focus``)


@lru_cache(maxsize=512)
def _nouns(text: str) -> tuple[str, ...]:
    """Cached: a message is searched several times in a turn; tagging costs a millisecond or
    two, and grows with the text — hence ``MAX_CHARS``."""
    return tuple(dict.fromkeys(nouns(to_mandarin(text[:MAX_CHARS]).lower())))


def named_things(text: str, besides: str = "") -> list[str]:
    """The Chinese nouns ``text`` names that ``besides`` does not (a question word's object
    excepted)."""
    plain = to_mandarin((text or "")[:MAX_CHARS]).lower()
    seen = to_simplified(besides or "").lower()
    return [
        w
        for w in _nouns(text or "")
        if len(w) >= 2
        and CJK.match(w)
        and w not in seen
        and w not in _GENERIC
        and not re.search(f"{_ASKED_OF}{re.escape(w)}", plain)
    ]


def naming_first(text: str, hits: list[Hit]) -> list[Hit]:
    """``hits`` with the close one that names what the message names, and the best one does
    not, first (the module's rule); else ``hits`` as they are."""
    if len(hits) < 2:
        return hits
    top = hits[0]
    topics = set(topic_terms(top.question))
    close = [
        h for h in hits[1:3] if h.score >= NAMING_FLOOR and topics & set(topic_terms(h.question))
    ]
    if not close:
        return hits  # (the cheap test first: tagging the message costs more)
    named = named_things(text, f"{top.question} {top.answer}")
    if not named:
        return hits
    for hit in close:
        said = to_simplified(f"{hit.question} {hit.answer}").lower()
        if any(w in said for w in named):
            rest = [h for h in hits if h.faq_id not in (hit.faq_id, top.faq_id)]
            return [replace(hit, score=top.score), replace(top, score=hit.score), *rest]
    return hits
