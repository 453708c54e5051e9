"""A short follow-up question read with the customer's message before it.

Customers ask the next thing without repeating the subject: "现在下单寄上海几天能到" → "那新疆呢",
"how long do refunds take" → "what about bank card", "耳机的发票开了吗" → "在哪下载", "the shirt
is too big, can I return it" → "who pays the postage", "公司报销要专票…" → "多久能寄到". Alone,
such a message names no topic, or another one. The rule (an addition to the decision step of
``actions._decide``; ARCHITECTURE.md, "Who decides what the bot does with a message"):

- A message is a *follow-up* when it is short (``SHORT_CJK`` characters of Chinese, or
  ``SHORT_WORDS`` English words), names no order id, and asks something (a question word or
  particle: ``actions._reading.asks_something``) or is elliptical ("那新疆呢", "银行卡呢",
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
- A follow-up answered in context with *the answer the customer just got* (``answered``) must
  find in it what it newly asks (``covers``): a topic of its own ("可以分期吗" → "那貨到付款呢":
  the instalments answer says nothing of cash on delivery), the place or thing it names ("那新疆
  呢": the delivery-times answer names Xinjiang), a time when it asks how long ("运费多少 我在新疆"
  → "那寄到要几天": the shipping-fee answer gives no days), a price when it asks how much. When it
  does, it is taken even against a confident answer of its own ("公司要开专票" → "开好了多久能寄到":
  mailed within 5 working days); when it does not, the follow-up's own best answer is taken if it
  speaks of what is asked ("不支持货到付款").
- A follow-up naming a product of the customer's own orders ("那手环呢", "and the fitness
  band?") continues the customer's last order task on that product (``actions.fallback``,
  ``actions._flow_turns``).
"""

from __future__ import annotations

from dataclasses import replace

from actions._decide import Decision, decide, decided_without_kb
from actions._follow_up_text import (
    covers,
    follow_up_query,
    is_correction,
    is_elliptical,
    is_follow_up,
    leans_on_previous,
)
from actions._kb_search import search_kb
from actions._reading import CJK, focus, is_general_question, is_own_case
from actions._refund_channel import (
    channel_named,
    clause_naming,
    refund_channel_query,
)
from actions._services import Services
from actions._specific import NAMING_FLOOR, named_things
from kefu.i18n import to_simplified
from knowledge_base import topic_terms
from knowledge_base.api import Hit, Thresholds

__all__ = ["decide_in_context", "general_follow_up", "search_in_context"]


def _answer_naming(hits: list[Hit], lacking: list[str], besides: str) -> Hit | None:
    """Of the follow-up's own best answers, the first (from ``NAMING_FLOOR``) that names one of
    the ``lacking`` words, other than FAQ ``besides``."""
    for hit in hits[:3]:
        said = to_simplified(hit.answer).lower()
        if hit.faq_id != besides and hit.score >= NAMING_FLOOR and any(w in said for w in lacking):
            return hit
    return None


def _repeats(hit: Hit, answered: str) -> bool:
    """``hit`` is the answer the customer was just given."""
    start = to_simplified(hit.answer).strip()[:30]
    return bool(start) and start in to_simplified(answered or "")


def _own_topic_answered(text: str, previous: str, own: Hit | None, repeat: Hit) -> bool:
    """The follow-up names a shop topic the message before did not (分期 after the payment
    methods), and its own confident answer ``own``, another FAQ than the ``repeat``, says what
    it asks: that answer, not the one just given again ("and to xinjiang?" names no topic: the
    fee answer naming Xinjiang stays)."""
    before = set(topic_terms(previous))
    if own is None or own.faq_id == repeat.faq_id:
        return False
    if not [t for t in topic_terms(text) if t not in before]:
        return False
    return bool(covers(text, previous, own.answer))


def _in_context(hit: Hit, thresholds: Thresholds) -> list[Hit]:
    """``hit`` as a confident answer: the context, not its score alone, chose it."""
    return [replace(hit, score=max(hit.score, thresholds.confident))]


def _topic_query(text: str, previous: str, topic: str = "") -> str | None:
    """The follow-up with the shop topics of the message before that it does not name itself;
    when neither names one ("部降噪耳機壞咗 右邊冇聲" → "要整幾耐"), with ``topic``: the task the
    bot did for the message before (``actions._orders.task_topic``: a repair filed → 维修)."""
    own = set(topic_terms(text))
    carried = [t for t in topic_terms(previous) if t not in own]
    if not carried and not own and topic:
        carried = [topic]
    return f"{text.strip()} {' '.join(carried)}" if carried else None


async def search_in_context(
    services: Services, text: str, lang: str, previous: str, answered: str = "", topic: str = ""
) -> tuple[list[Hit], Thresholds | None, list[Hit] | None]:
    """The knowledge base's hits for ``text``, and for a follow-up the hits read with the
    message before it when those are confident and ``text`` has no confident answer of its
    own, or leans on the message before (``leans_on_previous``) and the pair answers another
    question; else None. ``answered``: the bot's replies to the message before — an answer
    read in context that repeats them must say what the follow-up asks (``covers``);
    ``topic``: the task the bot did for it, when neither message names a topic."""
    hits, thresholds = await search_kb(services, text, lang)
    if thresholds is None:
        return hits, thresholds, None
    if query := refund_channel_query(text, answered):
        paired, _ = await search_kb(services, query, lang, record=False)
        chosen = [h for h in paired if h.score >= thresholds.choose]
        channel = channel_named(text)
        given = clause_naming(answered, channel) if channel and chosen else None
        if given:  # "what if i'd paid with wechat" after "…WeChat Pay/Alipay 1–3 working days…"
            back = (
                f"退款会原路退回到您付款的渠道，{given}"
                if CJK.search(given)
                else f"Refunds go back the way you paid: {given}"
            )
            return hits, thresholds, _in_context(replace(chosen[0], answer=back), thresholds)
        fresh = [h for h in chosen if not _repeats(h, answered)]
        if fresh:  # not the refund times just given again
            return hits, thresholds, _in_context(fresh[0], thresholds)
        line = clause_naming(chosen[0].answer, channel) if chosen and channel else None
        if line:  # "and alipay?" after "…WeChat Pay/Alipay 1–3 working days…": that line
            return hits, thresholds, _in_context(replace(chosen[0], answer=line), thresholds)
    if not is_follow_up(text):
        return hits, thresholds, None
    own = hits[0] if hits and hits[0].score >= thresholds.confident else None
    # (a correction — "搞错了，收件人其实在西宁" — is the question before asked again: it leans
    # on it whatever its own words find, and the answer may be the one just given)
    corrects = is_correction(text)
    leaning = own is None or corrects or leans_on_previous(text)
    previous = (previous or "").strip()
    # With the topic of the message before ("多久能寄到 专票"), then with the whole of it ("现在
    # 下单寄上海几天能到 那新疆呢": the place is no topic word).
    topical = None if previous.startswith("/") else _topic_query(text, previous, topic)
    long_before = bool(previous) and focus(previous) != previous
    paired_whole = f"{previous} {text.strip()}" if long_before else None
    # (the message before whole too when it was long: "is shipping insurance worth it, how much
    # do you actually get back" → "do i have to claim it myself" — its question drops the subject)
    queries = [q for q in (topical, follow_up_query(text, previous), paired_whole) if q]
    if own is not None and not is_elliptical(text):
        # Its own answer is confident: only its own words with the topic carried over may
        # overrule it ("多久能寄到 专票"), never the message before whole ("whats the warranty on
        # headphones what if i dropped it" is the warranty question again). An elliptical one
        # ("and to a credit card?") has no question without the one before: the pair whole
        # may answer it too.
        queries = [topical] if topical else []
    rejected_repeat = False
    for query in queries:
        paired, _ = await search_kb(services, query, lang, record=False)
        if not paired or paired[0].score < thresholds.choose:
            continue
        top = paired[0]
        if _repeats(top, answered) and not corrects:
            said = covers(text, previous, top.answer)
            lacking = named_things(text, f"{previous} {top.answer}") if said is None else []
            if lacking and (naming := _answer_naming(hits, lacking, top.faq_id)) is not None:
                # "秒杀买的也可以吗" after price protection: the answer just given says nothing of
                # 秒杀 — one of the follow-up's own answers does (the exceptions)
                return hits, thresholds, _in_context(naming, thresholds)
            if said is False:  # the answer just given does not say what is asked
                rejected_repeat = True
                continue
            if said is None and (not leaning or top.score < thresholds.confident):
                continue
            if said and _own_topic_answered(text, previous, own, top):
                # "那用信用卡付可以分3期零利率嗎" after the payment methods (which name 花唄分期):
                # it names a topic of its own, and its own confident answer, no repeat, says it
                return hits, thresholds, None
            if said:  # it says what is asked: the context chose it
                return hits, thresholds, _in_context(top, thresholds)
        elif not leaning or top.score < thresholds.confident:
            continue
        same = own is not None and top.faq_id == own.faq_id
        return hits, thresholds, None if same else paired
    best = hits[0] if hits else None
    if (
        rejected_repeat
        and own is None
        and best is not None
        and best.score >= thresholds.choose
        and covers(text, previous, best.answer)
    ):
        # "可以分期吗" → "那貨到付款呢": not the instalments again; its own best answer, which
        # speaks of cash on delivery.
        return hits, thresholds, _in_context(best, thresholds)
    return hits, thresholds, None


async def decide_in_context(
    services: Services,
    text: str,
    intent: str,
    lang: str,
    previous: str,
    answered: str = "",
    topic: str = "",
) -> Decision:
    """``actions._decide.decide_with_kb`` for a message that may follow up on ``previous``
    (answered with ``answered``, by the task whose topic is ``topic``)."""
    early = decided_without_kb(text, intent)
    if early is not None:
        return early
    hits, thresholds, paired = await search_in_context(
        services, text, lang, previous, answered, topic
    )
    if paired:
        decision = decide(text, intent, paired, thresholds, follow_up=True)
        if decision.source == "kb":
            return decision
    # "請問運費怎麼算" → "那寄到台灣呢": the rule asked before, of another subject — a general
    # question too, whatever task its words sound like ("寄到" → tracking).
    return decide(text, intent, hits, thresholds, general=general_follow_up(text, previous))


def general_follow_up(text: str, previous: str) -> bool:
    """An elliptical follow-up ("那X呢", "and for Y?") of a general question, not of the
    customer's own case: it asks the same rule of another subject."""
    previous = (previous or "").strip()
    return (
        bool(previous)
        and not previous.startswith("/")
        and is_elliptical(text)
        and is_follow_up(text)
        and not is_own_case(text)
        and is_general_question(previous)
    )
