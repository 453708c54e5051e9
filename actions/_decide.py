"""The decision step: the knowledge base and the NLU's intent decide together.

Every customer message that could be a shop question is scored by both; ``decide`` chooses by one
rule, written here and in ARCHITECTURE.md ("Who decides what the bot does with a message"):

1. Social and control intents (greetings, thanks, yes / no, a request for a person, a complaint,
   a bare order id), any message naming an order id and a question about the state of the
   customer's own invoice ("我那单发票开了没": ``own_state_flow``, the shop's data answers it)
   keep the NLU's reading: the knowledge base never answers them. A message naming an order
   id is about that order, so when the NLU reads it as a question ("the shirt doesn't fit, can
   I send it back? order 2023…") its most likely order flow takes it, if the NLU gives that
   flow at least ``FLOW_RUNNER_UP`` (``own_order_intent``).
2. Otherwise a knowledge-base hit at or above the *confident* threshold answers the message when
   a. the NLU reads it as a question (``ask_faq``, ``product_inquiry``) or found nothing
      (``nlu_fallback``, ``out_of_scope``), or
   b. the NLU leans to a transactional intent (an order flow, ``check_refund``) but the message
      is a *general* question — a rule, policy or how-to ("退款多久到账", "发票怎么开",
      "要是退货的话运费谁出", "保修管不管", "电子发票在哪下载") — and does not speak about the
      customer's own order or case
      (an order id, "我的 / my", a wish to act now "我要 / 帮我 / I want", a state of their
      own "还没到 / 没收到 / 发货了吗 / haven't arrived").
   c. the message asks about a service no order flow performs — price protection ("买完第二天
      就降价了 能退差价不", "its cheaper now, can i get the difference back"), an item that
      arrived broken, a payment that will not go through ("T恤那单付不了款 一直提示支付失败"):
      about their own order or not, the knowledge base's rule is the answer
      (``no_flow_service``).
3. Such a general question (2b) is also the knowledge base's when its best hit is below
   *confident* but at or above *choose* and ahead of the second by at least ``CLEAR_LEAD``:
   "how do i get an invoice" is a how-to, and an order flow asking for an order number does
   not answer it.
4. Anything else keeps the intent: a flow starts, the FAQ action offers close questions, the
   fallback asks to rephrase and offers a person.

A long message (``LONG_MESSAGE`` characters or more, no order id) is a story around a question
("我上个月买了好多东西……我就想问问 那个退货的运费到底是谁出啊 因为我没买运费险……"): it is
decided by the question it asks — its last clause that is a general question (``focus``);
without one it stays whole. It is searched both whole and by that question, each FAQ keeping
its better score.

Two questions in one message ("包邮吗？还有能开发票吗") are split on question boundaries
(``split_questions``) by the callers, and each half goes through the same rule
(``actions._two_questions``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from actions._services import Services
from actions._specific import naming_first
from kefu.i18n import detect_lang, normalise_lang, to_traditional
from kefu.logging import get_logger
from kefu.mandarin import to_mandarin
from knowledge_base.api import Hit, Searcher, Thresholds

__all__ = [
    "LONG_MESSAGE",
    "Decision",
    "asks_for_something",
    "asks_something",
    "decide",
    "decide_with_kb",
    "decided_without_kb",
    "faq_text",
    "focus",
    "is_general_question",
    "is_long",
    "is_own_case",
    "no_flow_service",
    "own_order_intent",
    "own_state_flow",
    "search_kb",
    "split_questions",
    "wants_to_leave",
]

log = get_logger(__name__)

NEVER_KB = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "request_human",
     "file_complaint", "inform"}
)  # fmt: skip
QUESTION_INTENTS = frozenset({"ask_faq", "product_inquiry", "nlu_fallback", "out_of_scope"})

# An order id as the NLU reads it: 8+ digits, or one pasted in groups ("2023 1120 005", joined
# by rasa_addons.order_ids) of 11+ digits. Not the digits of a code that goes on in letters (a
# company's tax id "91330106MA2KX3L07P"). The one pattern every action module uses.
ORDER_ID = re.compile(
    r"\d{8,}(?![0-9A-Za-z])|(?<![0-9A-Za-z])(?=(?:\d[ -]?){11})\d{2,}(?:[ -]\d{2,})+"
)
_ORDER_ID = ORDER_ID
_OWN = re.compile(
    r"我的|我那|我这|我家|我买|我订|我定的|我拍|我刚|我昨|我前|我上|我下的|我下单|我在你|我收|我填|"
    r"我付|我退|我申请|俺|那件|那条|那双|那套|那台|"
    r"那单|这单|那个订单|这个订单|本单|我要|我想(?!问|咨询|了解)|想要|帮我|给我|替我|请帮|麻烦帮|"
    r"还没|没收到|没到|没有到|没发|到哪|到了没|咋还|怎么还|一直没|了[吗么嘛没]|了没有|好了没|"
    r"\bmy\b(?! account)|\bmine\b|\bme\b|\bI (?:ordered|bought|paid|got|received|want|need|would)|"
    r"\bI'd\b|\bI'm\b|haven'?t|hasn'?t|\bstill\b|where (?:is|are|'s)|where's|\byet\b|"
    r"\bdid (?:it|you|they)\b|\bhas (?:it|the)\b",
    re.IGNORECASE,
)
_OWN_THING = re.compile(r"我的|我那|我这|我家|我买|我订|\bmy\b|\bmine\b", re.IGNORECASE)
_GENERAL = re.compile(
    r"(?<![没不])怎么|(?<![没不])怎样|如何|咋|多久|多长|几天|多少天|多少钱|几个工作日|什么时候|啥时候|谁|哪些|哪里|哪儿|"
    r"(?<!没)什么|(?<!没)啥|能不能|可不可以|([^\s不])不\1|去哪|在哪|可以.*[吗么嘛]|能.*[吗么嘛]|支持.*[吗么嘛]|是否|要是|如果|的话|一般|"
    r"[吗么嘛不没][？?！!。～~\s]*$|[？?]|"
    r"\b(?:how|when|what|which|who|why|where do|where can|can i|can you|do you|does|is there|"
    r"are there|if i|is it|are you|will i|do i|should i|would i|will there)\b|"
    # an English clause opened by an auxiliary is a yes/no question: "hi, is shipping free",
    # "are your products genuine" (two words after it: "do it" is no question)
    r"(?:^|[,;:]\s*|\b(?:hi|hello|hey|ok|also|and)\s+)"
    r"(?:is|are|do|does|can|could|will|would|should|may)\s+[a-z']+\s+[a-z']+",
    re.IGNORECASE,
)
_LEAVE = re.compile(
    r"算了|算[啦喇]|不用了|不用[喇啦嘞]|不需要了|不要了吧|先不[^了]{0,4}了|暂时不|没事了|不办了|不弄了|不查了|"
    r"\bnever ?mind\b|\bnvm\b|\bforget it\b|\bno need\b|\bdon'?t bother\b|\bnot now\b|"
    r"\bcancel that\b|\bno longer need\b|\bdon'?t need (?:it|that|to) ?(?:any ?more)?\b",
    re.IGNORECASE,
)


# A message of several questions: split after a question mark or full stop, and where a
# question particle or a space is followed by "还有 / 另外 / 顺便 / also" or by "and" opening an
# English question ("is shipping free and can I pay…"); the connector is
# dropped from the part it opens.
_SPLIT = re.compile(
    r"[？?！!。；;\n]+|(?<=[吗么嘛呢不没])[\s，,]+|"
    r"[\s，,]+(?=还有|另外|顺便|再问|and also\b|also\b)|"
    r"[\s，,]+(?=and (?:can|could|do|does|is|are|will|how|what|when|where|which|who)\b)",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(
    r"^(?:还有就是|还有|另外|顺便问一?下|顺便|再问一?下|然后|and also|also|and)[\s，,:：]*",
    re.IGNORECASE,
)
CLEAR_LEAD = 0.2
LONG_MESSAGE = 60  # characters of a message in Chinese
LONG_WORDS = 25  # words of one in English ("electric toothbrush died. its over a year old can u
# still fix it" is 64 characters and one short question)
_CLAUSE = re.compile(r"[，,。.！!？?；;…~～\n]+")
_CJK_CLAUSE = re.compile(r"[\s，,。.！!？?；;…~～]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_long(text: str) -> bool:
    """A story around a question rather than a question (``LONG_MESSAGE``, ``LONG_WORDS``)."""
    if _CJK.search(text):
        return len(text) >= LONG_MESSAGE
    return len(text.split()) >= LONG_WORDS


FLOW_RUNNER_UP = 0.1


@lru_cache(maxsize=256)
def _simplified(text: str) -> str:
    """The patterns are written in simplified Mandarin; traditional text is read through OpenCC
    and Cantonese / Taiwan words as the Mainland ones (``kefu.mandarin``), so all follow one
    rule."""
    return to_mandarin(text)


def is_own_case(text: str) -> bool:
    """The message speaks about the customer's own order or case."""
    return bool(_ORDER_ID.search(text) or _OWN.search(_simplified(text)))


def asks_something(text: str) -> bool:
    """The message asks a rule or how-to somewhere, own case or not ("I need a VAT invoice
    for my company, what info do you need")."""
    return bool(_GENERAL.search(_simplified(text)))


# What makes a clause of the customer's own case a question or a request rather than a statement
# of reason or fact ("没有质量问题 就是不想要了", "it just doesn't fit"): the state of something
# of theirs ("还没到", "到哪了", "where are…", "yet"), or a wish to have something done.
_ASKS_STATE = re.compile(
    r"还没|没收到|没到|到哪|了[吗么嘛没]|好了没|\bwhere (?:is|are)\b|\bwhere's\b|\byet\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"我要|我想(?!问|咨询|了解)|帮我|给我|替我|请帮|麻烦|\bplease\b|\bpls\b|"
    r"\bI (?:want|need|would like)\b|\bI'd like\b|\bcan you\b|\bcould you\b",
    re.IGNORECASE,
)


def asks_for_something(text: str) -> bool:
    """The clause asks a question or for something to be done, not only states a reason or a
    fact: a question word or particle, the state of something of theirs, or a request."""
    plain = _simplified(text)
    return bool(_GENERAL.search(plain) or _ASKS_STATE.search(plain) or _REQUEST.search(plain))


def is_general_question(text: str) -> bool:
    """A rule, policy or how-to question, not about the customer's own case."""
    return bool(_GENERAL.search(_simplified(text))) and not is_own_case(text)


def focus(text: str) -> str:
    """The question a long message asks: its last clause that is a general question; the
    message whole when it is short, names an order, or asks no general question."""
    # (by characters in any language: the clause asked is found in an English message of a
    # dozen words too — "…bought it over a year ago. can u fix it")
    if len(text) < LONG_MESSAGE or _ORDER_ID.search(text):
        return text
    splitter = _CJK_CLAUSE if _CJK.search(text) else _CLAUSE
    asked = [c for c in splitter.split(text) if len(c.strip()) >= 4 and is_general_question(c)]
    return asked[-1].strip() if asked else text


def wants_to_leave(text: str) -> bool:
    """The customer leaves what they were doing: "算了 / 不用了 / 先不退了 / never mind"."""
    return bool(_LEAVE.search(_simplified(text))) and not _ORDER_ID.search(text)


def own_order_intent(
    text: str,
    ranking: Iterable[dict[str, Any]],
    flows: Collection[str],
    floor: float = FLOW_RUNNER_UP,
) -> str | None:
    """Rule 1 for a message naming an order id that the NLU did not read as a flow: the most
    likely of ``flows`` in the NLU's ``ranking`` (at least ``floor``), else None."""
    if not _ORDER_ID.search(text):
        return None
    for item in ranking:
        name = item.get("name") if isinstance(item, dict) else None
        if name in flows and float(item.get("confidence") or 0.0) >= floor:
            return str(name)
    return None


@dataclass(frozen=True)
class Decision:
    source: Literal["kb", "intent"]
    reason: str
    hit: Hit | None = None


# "我那单发票开了没 / 耳机那个订单的发票开出来了没 / has my invoice been issued": the state of
# the customer's own invoice, which the shop's data answers (the invoice flow), not the FAQ on
# where invoices are downloaded. "发票什么时候能开好" stays that FAQ's: it asks the rule.
_INVOICE_STATE = re.compile(
    r"(?:发票|invoice).{0,8}?(?:开了[吗么嘛没]|开了没|开出来了|开好了|开具了[吗么嘛没]|开没开|"
    r"还没开|没有?开|到哪一?步|进度|状态)|"
    r"\binvoice\b.{0,30}\b(?:been issued|issued yet|ready yet|been sent|sent yet|status)\b",
    re.IGNORECASE,
)
OWN_STATE_FLOWS = {"invoice_form": _INVOICE_STATE}


def own_state_flow(text: str) -> str | None:
    """The order flow (a form's name) that answers a question about the state of the
    customer's own case ("发票开了没"), else None."""
    plain = _simplified(text)
    return next((form for form, asks in OWN_STATE_FLOWS.items() if asks.search(plain)), None)


# A service no order flow performs, so the knowledge base's rule is the answer even about the
# customer's own order: price protection ("退差价" is no return), and an item that arrived
# broken ("快递到了箱子压扁了 里面的杯子碎了": photos within 48 hours, a replacement or a refund,
# nothing sent back — not the parcel's tracking).
_NO_FLOW_SERVICE = re.compile(
    r"价保|价格保护|差价|降价|\bprice (?:protection|drop|difference)\b|\bcheaper\b|"
    r"\bthe difference\b",
    re.IGNORECASE,
)
_BROKEN = re.compile(
    r"碎了|压扁|压坏|压碎|摔碎|破损|裂了|裂开|\b(?:smashed|crushed|cracked|shattered)\b|"
    r"\b(?:arrived|came|delivered) (?:damaged|broken)\b|\bdamaged in (?:transit|shipping)\b",
    re.IGNORECASE,
)
_ARRIVED = re.compile(
    r"收到|到了|送到|送来|快递|包裹|箱子|盒子|拆开|签收|\b(?:arrived|came|delivered|package|"
    r"parcel|box)\b",
    re.IGNORECASE,
)


# A payment that will not go through ("付款一直失败 转半天圈然后提示支付失败", "T恤那单付不了款"):
# what to check and try is the shop's rule (balance, online payments, another method); no flow
# makes a payment succeed. Not money taken ("支付失败但是扣钱了"): that is the payment flow's.
_PAY_FAILS = re.compile(
    r"支付失败|付款失败|付不了|付不出去|支付不了|付款不了|无法支付|无法付款|不能支付|不能付款|"
    r"付不成|\bpayment (?:failed|fails|keeps failing|won'?t go through|declined|not going "
    r"through)\b|\bcan'?t (?:pay|check ?out)\b|\bcard (?:was |keeps getting |got )?declined\b",
    re.IGNORECASE,
)
_MONEY_TAKEN = re.compile(
    r"扣了|扣款|扣钱|扣费|被扣|钱没了|余额少了|\b(?:charged|deducted|taken|debited)\b",
    re.IGNORECASE,
)


def no_flow_service(text: str) -> bool:
    """The message asks about a service no order flow performs (rule 2c)."""
    plain = _simplified(text)
    return bool(
        _NO_FLOW_SERVICE.search(plain)
        or (_BROKEN.search(plain) and _ARRIVED.search(plain))
        or (_PAY_FAILS.search(plain) and not _MONEY_TAKEN.search(plain))
    )


def decided_without_kb(text: str, intent: str) -> Decision | None:
    """Rule 1 alone: the decision when the knowledge base's hits cannot change it (a social or
    control intent, a message naming an order, a question about the state of the customer's
    own invoice), else None."""
    if intent in NEVER_KB:
        return Decision("intent", "social or control intent")
    if _ORDER_ID.search(text):
        return Decision("intent", "names an order")
    if own_state_flow(text):
        return Decision("intent", "the state of the customer's own case")
    return None


def decide(
    text: str,
    intent: str,
    hits: list[Hit],
    thresholds: Thresholds | None,
    follow_up: bool = False,
    general: bool = False,
) -> Decision:
    """The rule of this module's docstring, on one message. ``follow_up``: ``hits`` are those of
    the message read with the one before it (``actions._follow_up``): only a confident answer
    counts, and the message is a general question unless it speaks of the customer's own case.
    ``general``: the message is a general question whatever its words ("那寄到台灣呢" after a
    general question: ``actions._follow_up.general_follow_up``)."""
    early = decided_without_kb(text, intent)
    if early is not None:
        return early
    text = focus(text)
    top = hits[0] if hits else None
    if top is None or thresholds is None or top.score < thresholds.choose:
        return Decision("intent", "no confident knowledge-base answer")
    confident = top.score >= thresholds.confident
    if confident and no_flow_service(text):
        return Decision("kb", "a service no order flow performs", top)
    if follow_up:
        # Read with the message before, only the customer's own order or thing keeps the
        # intent ("我的呢"); a state word alone ("开好了发到哪" after an invoice) does not: the
        # NLU read the words without their subject.
        if confident and not _ORDER_ID.search(text) and not _OWN_THING.search(_simplified(text)):
            return Decision("kb", "a follow-up the knowledge base answers with its context", top)
        return Decision("intent", "no confident knowledge-base answer in context")
    if intent in QUESTION_INTENTS:
        if confident:
            return Decision("kb", "a question the knowledge base answers", top)
        return Decision("intent", "no confident knowledge-base answer")
    if not (general or is_general_question(text)):
        return Decision("intent", "the customer's own case")
    if confident:
        return Decision("kb", "a general question, not the customer's own case", top)
    second = hits[1].score if len(hits) > 1 else 0.0
    if top.score - second >= CLEAR_LEAD:
        return Decision("kb", "a general question; the knowledge base's clear best answer", top)
    return Decision("intent", "no confident knowledge-base answer")


# A part that only asks more about the one before it ("do electronics come with a warranty? how
# long is it", "有M码吗 那多少钱"): a short question whose subject is a pronoun, or nothing but a
# question word. Searched alone it would find another FAQ ("how long is it" → delivery times).
_FOLLOW_UP_EN = re.compile(
    r"^(?:and |so |then )?(?:how|what|when|where|which|why|is|are|does|do|can|will|would)\b"
    r"(?:\s+[\w']+){0,3}?\s+(?:it|that|this|they|them|those)(?:\s+[\w']+)?$",
    re.IGNORECASE,
)
_FOLLOW_UP_ZH = re.compile(
    r"^(?:那|那么|那个|这个|它|这)?(?:要|需要|大概|一般|得)?"
    r"(?:多久|多长时间|多长|几天|多少钱|多少|怎么弄|怎么办|怎么算|啥时候|什么时候)[呢啊呀吗嘛]*$"
)


def _follows_up(part: str) -> bool:
    plain = _simplified(part).strip(" ?？!！.。")
    return bool(_FOLLOW_UP_EN.match(plain) or _FOLLOW_UP_ZH.match(plain))


def _without_connector(part: str) -> str:
    """The part without its leading "还有 / 還有 / also" (read in simplified characters)."""
    match = _CONNECTOR.match(_simplified(part))
    return part[match.end() :].strip() if match else part.strip()


def _split_any_script(text: str) -> list[str]:
    """``_SPLIT`` (written in simplified characters) applied to text in either script: the
    boundaries are found in the simplified reading ("可以退嗎 運費要自己出嗎" splits after 嗎)
    and the parts cut from the customer's own text (``_SPLIT`` has no groups: separators are
    dropped). OpenCC may map a phrase to one of another length; then the simplified parts are
    returned."""
    simple = _simplified(text)
    if simple == text:
        return _SPLIT.split(text)
    if len(simple) != len(text):
        return _SPLIT.split(simple)
    parts, start = [], 0
    for match in _SPLIT.finditer(simple):
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return parts


def split_questions(text: str) -> list[str]:
    """The questions of one message, in order ("包邮吗？还有就是能开发票不" → 包邮吗, 能开发票不);
    one part when it asks one thing. A part that only asks more about the one before ("…a
    warranty? how long is it") stays with it."""
    parts = [p.strip(" ，,、~～…") for p in _split_any_script(text or "")]
    parts = [p if i == 0 else _without_connector(p) for i, p in enumerate(parts)]
    questions: list[str] = []
    for part in (p for p in parts if len(p) >= 2):
        if questions and _follows_up(part):
            questions[-1] = f"{questions[-1]} {part}"
        else:
            questions.append(part)
    return questions[:3]


def _search_lang(query: str, lang: str) -> str:
    """The FAQs to search are those of the language the customer wrote in: "hi can i still
    return stuff after 7 days" on a Chinese page is searched among the English FAQs (a Chinese
    message on an English page among the Chinese ones); the page's language otherwise."""
    written = detect_lang(query, default=normalise_lang(lang) or "zh")
    if written == "en" and lang != "en":
        return "en"
    if written != "en" and lang == "en":
        return written
    return lang


async def ready_searcher(services: Services) -> Searcher | None:
    """The live knowledge base once it is built, else None (raises what opening it raises).
    It is synchronous (an encoder on the CPU): opening and asking it stay off the loop."""
    searcher = await asyncio.to_thread(lambda: services.searcher)
    return None if services.knowledge_base_missing() is not None else searcher


async def search_kb(
    services: Services, text: str, lang: str, k: int = 3
) -> tuple[list[Hit], Thresholds | None]:
    """The knowledge base's best hits (never raises: a failing index is no hit). A long
    message is searched whole and by its ``focus``, each FAQ keeping its better score: the
    question may need the story ("the price dropped right after I bought it, … can I get the
    difference back?" — the clause alone names no price) or be lost in it."""
    whole = text.strip()
    query = focus(whole)
    if not query or query.startswith("/"):
        return [], None
    lang = _search_lang(query, lang)
    try:
        searcher = await ready_searcher(services)
        if searcher is None:
            return [], None
        hits = list(await asyncio.to_thread(searcher.search, query, lang, k))
        if query != whole:
            best = {h.faq_id: h for h in hits}
            for hit in await asyncio.to_thread(searcher.search, whole, lang, k):
                if hit.faq_id not in best or hit.score > best[hit.faq_id].score:
                    best[hit.faq_id] = hit
            hits = sorted(best.values(), key=lambda h: h.score, reverse=True)[:k]
        # the FAQ that names what the message names, within the best one's topic
        # ("内衣拆了还能七天无理由吗": the exceptions): actions._specific
        return naming_first(query, hits), searcher.thresholds
    except Exception as exc:  # the knowledge base must never take the chat down
        log.warning("kb search failed", error=f"{type(exc).__name__}: {exc}")
        return [], None


async def decide_with_kb(services: Services, text: str, intent: str, lang: str) -> Decision:
    """``decide`` on the knowledge base's hits for ``text``; the search (the sentence encoder,
    a few ms of CPU) runs only when its hits can change the decision (``decided_without_kb``)."""
    early = decided_without_kb(text, intent)
    if early is not None:
        return early
    hits, thresholds = await search_kb(services, text, lang)
    return decide(text, intent, hits, thresholds)


def faq_text(lang: str, text: str) -> str:
    """An FAQ's answer or question as the customer reads it (traditional for zh-Hant)."""
    return to_traditional(text) if lang == "zh-Hant" else text
