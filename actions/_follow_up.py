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
  band?") continues the customer's last order task on that product (``actions.handoff``,
  ``actions._flow_turns``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from actions._decide import Decision, decide, decided_without_kb
from actions._kb_search import search_kb
from actions._reading import ORDER_ID, asks_something, focus, is_general_question, is_own_case
from actions._refund_channel import (
    SHORT_CJK,
    SHORT_WORDS,
    channel_named,
    clause_naming,
    refund_channel_query,
)
from actions._refund_channel import is_short as _short
from actions._services import Services
from actions._specific import NAMING_FLOOR, named_things
from kefu.i18n import to_simplified
from kefu.mandarin import to_mandarin
from knowledge_base import topic_terms
from knowledge_base.api import Hit, Thresholds

__all__ = [
    "SHORT_CJK",
    "SHORT_WORDS",
    "covers",
    "decide_in_context",
    "follow_up_query",
    "general_follow_up",
    "is_elliptical",
    "is_follow_up",
    "leans_on_previous",
    "refund_channel_query",
    "search_in_context",
    "the_question",
]

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


# "发票呢 刚问的你没回", "and returns? you didn't answer that": a question said to have gone
# unanswered — the question is what is left.
_UNANSWERED = re.compile(
    r"[\s，,。!！]*(?:刚[才刚]?)?(?:问的?)?(?:你|您)?还?没有?(?:回答|回复|回|答)我?[呢啊呀啦]*"
    r"(?=[\s，,。!！]|$)|"
    r"[\s,.!]*\b(?:you )?(?:didn'?t|never|did not) (?:answer|reply|respond)(?: to)?"
    r"(?: (?:me|my question|that|it))?\b",
    re.IGNORECASE,
)


def the_question(text: str) -> str:
    """The message without a complaint that a question went unanswered (in Mainland Mandarin
    when there was one), else as it is."""
    plain = to_mandarin(text)
    left = _UNANSWERED.sub(" ", plain).strip(" ，,。.!！")
    return left if left and left != plain.strip(" ，,。.!！") else text


def is_elliptical(text: str) -> bool:
    """The message leaves its subject to the one before ("那手环呢", "what about bank card")."""
    return bool(_ELLIPTICAL.search(to_mandarin(text).strip()))


# "发到哪了 我邮箱没收到啊", "開好會寄到email嗎": an e-mail is asked about — what was to be sent
# by it (an invoice) is the subject of the message before.
_EMAIL = re.compile(r"邮箱|邮件|\be-?mail\b", re.IGNORECASE)


def is_follow_up(text: str) -> bool:
    """A short question without an order id that may lean on the message before it."""
    text = text.strip()
    if not text or text.startswith("/") or ORDER_ID.search(text) or not _short(text):
        return False
    return is_elliptical(text) or asks_something(text) or bool(_EMAIL.search(to_mandarin(text)))


def follow_up_query(text: str, previous: str) -> str | None:
    """The knowledge-base query for ``text`` read after ``previous`` (the customer's message
    before it, by its question when it was long), or None when ``text`` is no follow-up."""
    previous = (previous or "").strip()
    if not previous or previous.startswith("/") or not is_follow_up(text):
        return None
    return f"{focus(previous)} {text.strip()}"


# A verb whose object is the subject of the message before: "开好直接发我邮箱 大概要几天" (the
# invoice, once issued), "纸质的开好多久能寄到我手上", "修好了怎么寄回来" (the repaired item).
_IMPLIED_OBJECT = re.compile(r"开好|开出来|开了以后|开完|修好|修完|寄回去以后|退回去以后")


def leans_on_previous(text: str) -> bool:
    """The message cannot be read without the one before, even when it finds an answer of its
    own: it names no shop topic of its own and is elliptical, ends on a pronoun ("how long
    does it take to get it") or is a few characters of question ("多久能寄到", "开好了发到哪")."""
    plain = to_mandarin(text).strip()
    if topic_terms(plain):
        return False  # "那还有什么付款方式": its own topic (付款), whatever the one before
    if is_elliptical(plain) or _PRONOUN_END.search(plain) or _IMPLIED_OBJECT.search(plain):
        return True
    han = _CJK.findall(plain)
    return bool(han) and len(han) <= LEANING_CJK


# What a follow-up asks for beyond its subject: a time ("多久", "how long") or a price.
_ASKS_TIME = re.compile(
    r"多久|几天|多少天|多长时间|几个工作日|什么时候|啥时候|几号|\bhow (?:long|soon)\b|"
    r"\bhow many (?:days|weeks)\b|\bwhen (?:will|does|do|would|can)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\d+\s*(?:[–~-]\s*\d+\s*)?(?:个)?(?:工作日|天|小时|周|个月|年)|即时|当天|"
    r"\b\d+\s*(?:[–~-]\s*\d+\s*)?(?:working days?|days?|hours?|weeks?|months?|years?)\b|"
    r"\binstantly\b",
    re.IGNORECASE,
)
_ASKS_PRICE = re.compile(
    r"多少钱|收费|要钱|收钱|免费|费用|贵不贵|\bhow much\b|\bcosts?\b|\bfees?\b|\bfree\b|\bcharge",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"¥|\d+\s*元|免费|收费|付费|报价|\bfree\b|\bpaid\b|\bfees?\b|\bquote|\bcharged?\b", re.I
)
# The subject an elliptical follow-up names: "那新疆呢" → 新疆, "and to tibet?" → tibet.
_LEAD = re.compile(
    r"^(?:那么|那如果|那|如果|要是|还有|另外|and if|and to|and for|and|what about|how about|so)\s*",
    re.IGNORECASE,
)
_TAIL = re.compile(r"(?:的话)?[呢吗嘛啊呀？?！!。~～\s]*$")
# what the follow-up asks of its subject, not the subject: "那信用卡得唔得" (得不得), "那花呗可以吗"
_PREDICATE = re.compile(r"(?:([^\s])不\1|可以|能用|行|得|ok|好)[呢吗嘛啊呀？?！!。~～\s]*$")
_QUESTION_WORD = re.compile(
    r"[几多怎啥吗谁哪]|什么|\b(?:how|what|when|where|which|who|why)\b", re.I
)
_SMALL_WORDS = frozenset(
    ("the", "a", "an", "to", "for", "of", "in", "on", "my", "it", "is", "are", "i", "me", "you")
)


def _subject(text: str) -> list[str]:
    """The place or thing an elliptical follow-up names, as pieces to look for in an answer:
    "那新疆呢" → 新疆, "那不满99呢" → 不满, 99 (the answer says "不满则…", "满99元"), "and to
    tibet?" → tibet."""
    if not is_elliptical(text):
        return []
    core = _TAIL.sub("", _LEAD.sub("", to_mandarin(text).strip().lower())).strip()
    core = _PREDICATE.sub("", core).strip() or core
    if not core or _QUESTION_WORD.search(core):
        return []
    if _CJK.search(core):
        if len(_NOT_TEXT.sub("", core)) > 8:
            return []
        pieces = re.findall(r"[a-z0-9]+", core)
        for run in re.findall(r"[\u4e00-\u9fff]+", core):
            pieces.extend(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
        return pieces
    words = [w for w in re.findall(r"[a-z0-9]+", core) if w not in _SMALL_WORDS and len(w) > 2]
    return words if len(words) <= 3 else []


# "那X呢", "what about X": a subject alone, asked of as the message before asked
_BARE = re.compile(r"呢[\s？?！!。～~…]*$|^(?:what|how) about\b", re.IGNORECASE)
# A topic an answer says in other words: money "到账" (arrives) where it says the account it
# is paid to ("自动理赔到您的付款账户").
_SAID_AS = {"到账": ("到账", "账户")}


def covers(text: str, previous: str, answer: str) -> bool | None:
    """Whether ``answer`` says what the follow-up ``text`` (after ``previous``) newly asks: its
    own topics, the thing it names, a time, a price (``_follow_up`` rule above); None when the
    follow-up asks nothing of these that can be looked for."""
    said = to_simplified(answer).lower()
    asked = to_mandarin(text)
    before = set(topic_terms(previous))
    checks = [
        any(word in said for word in _SAID_AS.get(term, (term,)))
        for term in topic_terms(text)
        if term not in before
    ]
    subject = _subject(text)
    if subject:  # at least half of it is there, or the head of a bare subject ("那新疆乌鲁木齐
        # 呢": 新疆 — not of "那积分会过期吗", whose head is the topic and 过期 the question)
        bare = bool(_BARE.search(asked.strip()))
        checks.append(
            2 * sum(piece in said for piece in subject) >= len(subject)
            or (bare and subject[0] in said)
        )
    if _ASKS_TIME.search(asked):
        checks.append(bool(_TIME.search(said)))
    if _ASKS_PRICE.search(asked):
        checks.append(bool(_PRICE.search(said)))
    return all(checks) if checks else None


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
        fresh = [h for h in chosen if not _repeats(h, answered)]
        if fresh:  # not the refund times just given again
            return hits, thresholds, _in_context(fresh[0], thresholds)
        channel = channel_named(text)
        line = clause_naming(chosen[0].answer, channel) if chosen and channel else None
        if line:  # "and alipay?" after "…WeChat Pay/Alipay 1–3 working days…": that line
            return hits, thresholds, _in_context(replace(chosen[0], answer=line), thresholds)
    if not is_follow_up(text):
        return hits, thresholds, None
    own = hits[0] if hits and hits[0].score >= thresholds.confident else None
    leaning = own is None or leans_on_previous(text)
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
        if _repeats(top, answered):
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
