"""A short follow-up question read with the customer's message before it.

Customers ask the next thing without repeating the subject: "现在下单寄上海几天能到" → "那新疆呢",
"how long do refunds take" → "what about bank card", "耳机的发票开了吗" → "在哪下载", "the shirt
is too big, can I return it" → "who pays the postage", "公司报销要专票…" → "多久能寄到". Alone,
such a message names no topic, or another one. The rule (an addition to the decision step of
``actions._decide``; ARCHITECTURE.md, "Who decides what the bot does with a message"):

- A message is a *follow-up* when it is short (``SHORT_CJK`` characters of Chinese, or
  ``SHORT_WORDS`` English words), names no order id, and asks something (a question word or
  particle: ``actions._decide.asks_something``) or is elliptical ("那新疆呢", "银行卡呢",
  "what about bank card", "and to xinjiang?").
- A follow-up without a confident answer of its own is searched again, first with the shop
  topics of the message before (``knowledge_base.topic_terms``: "多久能寄到 专票", so its own
  words weigh most), then with that message whole ("现在下单寄上海几天能到 那新疆呢": a place is
  no topic word). The first confident answer is the follow-up's — unless the message speaks of
  the customer's own case, which keeps the NLU's reading (rule 1 and 2 of the decision step).
- A follow-up that *leans* on the message before (``leans_on_previous``: elliptical, ending on
  a pronoun, or a few characters naming no topic: "修要多久", "how long does it take to get
  it") is read with it even when it has a confident answer of its own, if the pair answers
  another question.
- A follow-up naming a product of the customer's own orders ("那手环呢", "and the fitness
  band?") continues the customer's last order task on that product (``actions.handoff``,
  ``actions._flow_turns``).
"""

from __future__ import annotations

import re

from actions._decide import (
    ORDER_ID,
    Decision,
    asks_something,
    decide,
    decided_without_kb,
    focus,
    search_kb,
)
from actions._services import Services
from kefu.i18n import to_simplified
from knowledge_base import topic_terms
from knowledge_base.api import Hit, Thresholds

__all__ = [
    "SHORT_CJK",
    "SHORT_WORDS",
    "decide_in_context",
    "follow_up_query",
    "is_elliptical",
    "is_follow_up",
    "leans_on_previous",
    "search_in_context",
]

SHORT_CJK = 16  # characters of a Chinese message (after stripping spaces and punctuation)
SHORT_WORDS = 9  # words of an English message
LEANING_CJK = 6  # a question this short naming no shop topic leans on the message before

# "那新疆呢", "银行卡呢", "那如果不满99", "还有那个保温杯呢", "what about bank card",
# "and to xinjiang?", "how about alipay", "and if im in tibet?", "…then?"
_ELLIPTICAL = re.compile(
    r"呢[\s？?！!。～~…]*$|^(?:那|那么|那如果|如果|要是|还有|另外)|"
    r"^(?:and|what about|how about|and if|so|ok(?:ay)?,? (?:and|so|what|can|is|do))\b|"
    r"\bthen[\s?？.!]*$",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PRONOUN_END = re.compile(r"\b(?:it|that|this|them|those|one)\s*[?.!]*$", re.IGNORECASE)
_NOT_TEXT = re.compile(r"[\s\W_]+")


def _short(text: str) -> bool:
    if _CJK.search(text):
        return len(_NOT_TEXT.sub("", text)) <= SHORT_CJK
    return len(text.split()) <= SHORT_WORDS


def is_elliptical(text: str) -> bool:
    """The message leaves its subject to the one before ("那手环呢", "what about bank card")."""
    return bool(_ELLIPTICAL.search(to_simplified(text).strip()))


def is_follow_up(text: str) -> bool:
    """A short question without an order id that may lean on the message before it."""
    text = text.strip()
    if not text or text.startswith("/") or ORDER_ID.search(text) or not _short(text):
        return False
    return is_elliptical(text) or asks_something(text)


def follow_up_query(text: str, previous: str) -> str | None:
    """The knowledge-base query for ``text`` read after ``previous`` (the customer's message
    before it, by its question when it was long), or None when ``text`` is no follow-up."""
    previous = (previous or "").strip()
    if not previous or previous.startswith("/") or not is_follow_up(text):
        return None
    return f"{focus(previous)} {text.strip()}"


def leans_on_previous(text: str) -> bool:
    """The message cannot be read without the one before, even when it finds an answer of its
    own: it names no shop topic of its own and is elliptical, ends on a pronoun ("how long
    does it take to get it") or is a few characters of question ("多久能寄到", "开好了发到哪")."""
    plain = to_simplified(text).strip()
    if topic_terms(plain):
        return False  # "那还有什么付款方式": its own topic (付款), whatever the one before
    if is_elliptical(plain) or _PRONOUN_END.search(plain):
        return True
    han = _CJK.findall(plain)
    return bool(han) and len(han) <= LEANING_CJK


def _topic_query(text: str, previous: str) -> str | None:
    """The follow-up with the shop topics of the message before that it does not name itself."""
    own = set(topic_terms(text))
    carried = [t for t in topic_terms(previous) if t not in own]
    return f"{text.strip()} {' '.join(carried)}" if carried else None


async def search_in_context(
    services: Services, text: str, lang: str, previous: str
) -> tuple[list[Hit], Thresholds | None, list[Hit] | None]:
    """The knowledge base's hits for ``text``, and for a follow-up the hits read with the
    message before it when those are confident and ``text`` has no confident answer of its
    own, or leans on the message before (``leans_on_previous``) and the pair answers another
    question; else None."""
    hits, thresholds = await search_kb(services, text, lang)
    if thresholds is None:
        return hits, thresholds, None
    own = hits[0] if hits and hits[0].score >= thresholds.confident else None
    if (own is not None and not leans_on_previous(text)) or not is_follow_up(text):
        return hits, thresholds, None
    previous = (previous or "").strip()
    # With the topic of the message before ("多久能寄到 专票"), then with the whole of it ("现在
    # 下单寄上海几天能到 那新疆呢": the place is no topic word).
    topical = None if previous.startswith("/") else _topic_query(text, previous)
    queries = [q for q in (topical, follow_up_query(text, previous)) if q]
    if own is not None and not is_elliptical(text):
        # Its own answer is confident: only its own words with the topic carried over may
        # overrule it ("多久能寄到 专票"), never the message before whole ("whats the warranty on
        # headphones what if i dropped it" is the warranty question again). An elliptical one
        # ("and to a credit card?") has no question without the one before: the pair whole
        # may answer it too.
        queries = [topical] if topical else []
    for query in queries:
        paired, _ = await search_kb(services, query, lang)
        if paired and paired[0].score >= thresholds.confident:
            same = own is not None and paired[0].faq_id == own.faq_id
            return hits, thresholds, None if same else paired
    return hits, thresholds, None


async def decide_in_context(
    services: Services, text: str, intent: str, lang: str, previous: str
) -> Decision:
    """``actions._decide.decide_with_kb`` for a message that may follow up on ``previous``."""
    early = decided_without_kb(text, intent)
    if early is not None:
        return early
    hits, thresholds, paired = await search_in_context(services, text, lang, previous)
    if paired:
        decision = decide(text, intent, paired, thresholds, follow_up=True)
        if decision.source == "kb":
            return decision
    return decide(text, intent, hits, thresholds)
