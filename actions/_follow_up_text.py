"""Reading a short follow-up question's text (the rule is in ``actions._follow_up``): is it a
follow-up at all (``is_follow_up``), does it leave its subject to the message before
(``is_elliptical``, ``leans_on_previous``), the question without a complaint that it went
unanswered (``the_question``), and does an answer say what it newly asks (``covers``)."""

from __future__ import annotations

import re

from actions._reading import CJK, ORDER_ID, asks_something, focus
from actions._refund_channel import is_short as _short
from kefu.i18n import to_simplified
from kefu.mandarin import to_mandarin
from knowledge_base import topic_terms

__all__ = [
    "LEANING_CJK",
    "covers",
    "follow_up_query",
    "is_correction",
    "is_elliptical",
    "is_follow_up",
    "leans_on_previous",
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
# "搞错了，收件人其实在西宁", "oops, scratch that — I meant Nanjing": the question before, asked
# again of another subject (an order id named instead is ``actions._orders.corrected_task``'s)
_CORRECTION = re.compile(
    r"^(?:(?:oops|sorry|my bad|wait|no)[\s,.!—–-]*)*(?:scratch that|i meant|i mean|correction)\b|"
    # "oops, Harbin, not Hangzhou"
    r"^(?:(?:oops|sorry|my bad|wait)[\s,.!—–-]*)+[a-z][a-z ]{1,30},? not [a-z][a-z ]{1,30}[.!]?$|"
    # ("哦说错了 收货人在黑龙江大庆", "打错字了 其实是发往甘肃兰州的")
    r"^(?:[哦噢喔啊呃额嗯唉哎呀]+[\s,，。.!！~～]*)?"
    r"(?:不对不对|不对|搞错了|弄错了|说错了|打错字了|打错了|写错字了|写错了|输错了|口误|更正一下|更正)",
    re.IGNORECASE,
)
# what leads to the corrected subject: "收件人其实在", "I meant", "应该是"
_CORRECTED_TO = re.compile(
    r"^[\s,，.。!！—–-]*(?:i )?(?:meant|mean)\b|"
    r"^[\s,，.。!！—–-]*(?:(?:收件人|收货人|地址|寄件地)?(?:其实|应该|实际上)?(?:是|在|寄到|发到|到)?)",
    re.IGNORECASE,
)
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
    plain = to_mandarin(text).strip()
    return bool(_ELLIPTICAL.search(plain) or _CORRECTION.search(plain))


def is_correction(text: str) -> bool:
    """The customer corrects what they asked ("搞错了，收件人其实在西宁", "scratch that — I meant
    Nanjing"), naming no order: the question before, of the subject now named."""
    return not ORDER_ID.search(text) and bool(_CORRECTION.search(to_mandarin(text).strip()))


# "发到哪了 我邮箱没收到啊", "開好會寄到email嗎": an e-mail is asked about — what was to be sent
# by it (an invoice) is the subject of the message before.
_EMAIL = re.compile(r"邮箱|邮件|\be-?mail\b", re.IGNORECASE)


# "and if im sending it to my cousin out in qinghai?", "那要是寄到我老家那边 运费还是一样的吗":
# opened by a connective, a longer message still leans on the one before
_OPENS_FOLLOW = re.compile(
    r"^(?:and|but|also|so)?\s*(?:what|how) about\b|^(?:and|but|also|so) (?:if|what if|for|to)\b|"
    r"^what if\b|^那(?:要是|如果|假如)",  # not a bare 那: "那你们帮我联系快递改一下吧" acts
    re.IGNORECASE,
)
LONG_FOLLOW_WORDS = 16  # words of an English follow-up opened by a connective
LONG_FOLLOW_CJK = 24  # characters of a Chinese one


def _short_enough(text: str) -> bool:
    if _short(text):
        return True
    if not _OPENS_FOLLOW.search(text):
        return False
    if CJK.search(text):
        return len(_NOT_TEXT.sub("", text)) <= LONG_FOLLOW_CJK
    return len(text.split()) <= LONG_FOLLOW_WORDS


def is_follow_up(text: str) -> bool:
    """A short question without an order id that may lean on the message before it (longer
    when a connective opens it: "and if im sending it to my cousin out in qinghai?")."""
    text = text.strip()
    if not text or text.startswith("/") or ORDER_ID.search(text) or not _short_enough(text):
        return False
    return is_elliptical(text) or asks_something(text) or bool(_EMAIL.search(to_mandarin(text)))


def follow_up_query(text: str, previous: str) -> str | None:
    """The knowledge-base query for ``text`` read after ``previous`` (the customer's message
    before it, by its question when it was long), or None when ``text`` is no follow-up."""
    previous = (previous or "").strip()
    if not previous or previous.startswith("/") or not is_follow_up(text):
        return None
    if is_correction(text):
        # "搞错了，收件人其实在西宁": the question before, of the subject now named ("西宁") —
        # not of the words around it ("收件人" finds the customs' real-name rule)
        text = _CORRECTED_TO.sub("", _CORRECTION.sub("", to_mandarin(text).strip())) or text
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
    han = CJK.findall(plain)
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
    if CJK.search(core):
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
# a topic the FAQs say in other words ("那邮费呢": the shipping fee's answer says 运费)
_SAID_AS = {"到账": ("到账", "账户"), "邮费": ("邮费", "运费", "包邮")}


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
