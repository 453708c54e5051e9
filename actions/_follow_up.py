"""A short follow-up question read with the customer's message before it.

Customers ask the next thing without repeating the subject: "现在下单寄上海几天能到" → "那新疆呢",
"how long do refunds take" → "what about bank card", "耳机的发票开了吗" → "在哪下载", "the shirt
is too big, can I return it" → "who pays the postage". Alone, such a message names no topic the
knowledge base or the NLU can place. The rule (README, "Who decides what the bot does with a
message"):

- A message is a *follow-up* when it is short (``SHORT_CJK`` characters of Chinese, or
  ``SHORT_WORDS`` English words), names no order id, and either asks something (a question word
  or particle: ``actions._decide.asks_something``) or is elliptical ("那新疆呢", "银行卡呢",
  "what about bank card", "and to xinjiang?").
- It is searched in the knowledge base with the customer's message before it
  (``follow_up_query``); its context answers only when the message alone has no confident
  answer and the pair has one, and only when the message does not speak of the customer's own
  case (``actions._decide``'s rule 2 with the pair's hits).
- A follow-up naming a product of the customer's own orders ("那手环呢", "餐具那个呢")
  continues the customer's last order task on that product (``actions.handoff``,
  ``actions.order_forms``).
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
from knowledge_base.api import Hit, Thresholds

__all__ = [
    "SHORT_CJK",
    "SHORT_WORDS",
    "decide_in_context",
    "follow_up_query",
    "is_elliptical",
    "is_follow_up",
    "search_in_context",
]

SHORT_CJK = 16  # characters of a Chinese message (after stripping spaces and punctuation)
SHORT_WORDS = 9  # words of an English message

# "那新疆呢", "银行卡呢", "那如果不满99", "还有那个保温杯呢", "what about bank card",
# "and to xinjiang?", "how about alipay", "and if im in tibet?", "…then?"
_ELLIPTICAL = re.compile(
    r"呢[\s？?！!。～~…]*$|^(?:那|那么|那如果|如果|要是|还有|另外)|"
    r"^(?:and|what about|how about|what if|and if|so|ok(?:ay)?,? (?:and|so|what|can|is|do))\b|"
    r"\bthen[\s?？.!]*$",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
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


async def search_in_context(
    services: Services, text: str, lang: str, previous: str
) -> tuple[list[Hit], Thresholds | None, list[Hit] | None]:
    """The knowledge base's hits for ``text``, and for a follow-up without a confident answer of
    its own, the hits of the pair when the pair has a confident one (else None)."""
    hits, thresholds = await search_kb(services, text, lang)
    if thresholds is None or (hits and hits[0].score >= thresholds.confident):
        return hits, thresholds, None
    query = follow_up_query(text, previous)
    if query is None:
        return hits, thresholds, None
    paired, _ = await search_kb(services, query, lang)
    confident = bool(paired and paired[0].score >= thresholds.confident)
    return hits, thresholds, paired if confident else None


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
