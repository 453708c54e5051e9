"""Two (or three) questions in one message: "包邮吗？还有就是能开发票不",
"发货了吗？还有能开发票吗".

The message is split on question boundaries (``actions._splitting.split_questions``) and each part
goes through the decision step on its own, as a general question would: a part the knowledge
base answers (a general question with a confident or clearly leading hit) is answered; every
other part that asks something — the customer's own case ("发货了吗" needs their order), or a
question without an answer — is named back with a button that asks it on its own, so nothing
the customer asked is silently dropped. Whether a part asks something is read by the same
patterns (a general question, or the customer's own case asked or requested:
``actions._reading.asks_for_something``); "你好", "谢谢" or a reason ("没有质量问题 就是不想要了",
"it just doesn't fit") is not named back.
A message naming an order id is not split: it is about that order ("the earbuds are broken,
can you fix them? 20231120021"), and its flow has it.

``answer_parts`` replies only when at least one part was answered; otherwise the caller handles
the message whole. When an order flow takes such a message whole (every part is the customer's
own case: "我的手环到哪了？顺便问下这单能开发票吗"), the parts that flow does not take are
offered as buttons at its start (``offer_the_others``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasa_sdk.executor import CollectingDispatcher

from actions._decide import decide
from actions._kb_search import faq_text, search_kb
from actions._reading import (
    CJK,
    ORDER_ID,
    asks_for_something,
    asks_something,
    is_general_question,
    is_own_case,
    is_question,
    simplified,
    split_clauses,
)
from actions._refund_channel import refund_channel_query
from actions._services import Services
from actions._splitting import is_bare_subject, split_questions
from actions._text import person_button, say
from kefu.mandarin import to_mandarin
from knowledge_base import topic_terms
from knowledge_base.api import Hit, Thresholds

__all__ = [
    "Part",
    "about_flow",
    "answer_others",
    "answer_parts",
    "asks_of_its_own",
    "offer_the_others",
    "question_parts",
    "requests_flow",
]

MAX_TITLE = 40  # a button title the customer can read at a glance


@dataclass(frozen=True)
class Part:
    text: str
    hit: Hit | None  # the knowledge base's answer, when the decision step gives it this part
    marked: bool = False  # the customer ended it with a question mark


def _marked(text: str, pieces: list[str]) -> list[bool]:
    """Whether each piece is followed by a question mark in ``text``: splitting drops the
    mark, and "hi, is shipping free?" without it reads as no question at all."""
    marked, start = [], 0
    for piece in pieces:
        at = text.find(piece, start)
        if at < 0:
            marked.append(False)
            continue
        start = at + len(piece)
        marked.append(bool(_QUESTION_MARK.match(text, start)))
    return marked


_QUESTION_MARK = re.compile(r"[\s~～…]*[？?]")


async def question_parts(
    services: Services, text: str, lang: str, answered: str = "", with_order: bool = False
) -> list[Part]:
    """Each part of a message that asks several things; [] when it asks one thing.
    ``answered``: the bot's replies to the message before — a part naming a payment channel
    right after a refund was spoken of asks when the refund reaches it ("钱是原路回去吗 我用
    信用卡付的 多久能到账" inside a cancel: ``actions._refund_channel``). ``with_order``: a
    message naming an order id is split too (at a flow's start on that order: "2023… 发货了吧？
    还有积分多久到账" — the part naming the order is the flow's, the other the knowledge
    base's)."""
    pieces = split_questions(text)
    if len(pieces) < 2 or (ORDER_ID.search(text) and not with_order):
        return []  # one question, or one about a named order: the decision step has it whole
    parts = []
    before = ""
    for piece, marked in zip(pieces, _marked(text, pieces), strict=True):
        query = refund_channel_query(piece, answered) or _leaning_query(piece, before) or piece
        before = piece
        hits, thresholds = await search_kb(services, query, lang, record=query == piece)
        # No intent of its own: the part is the knowledge base's only as a general question;
        # its question mark, dropped by the split, still says it is one.
        # (so is a part that asks in words and of nothing of the customer's own: "评价带图片能给
        # 积分吗？一百积分顶几块钱" — the last part has no mark to drop)
        # — not a bare subject ("积分呢 怎么没到账": "积分呢" asks nothing alone)
        asked = marked or (
            is_question(piece) and not is_own_case(piece) and not is_bare_subject(piece)
        )
        decision = decide(f"{piece}?" if asked else piece, "", hits, thresholds)
        hit = decision.hit if decision.source == "kb" else None
        if hit is None and marked and words_flow(piece) is None and _sure(hits, thresholds):
            # "…, and how do I reset my password?": their own case ("my"), but of nothing an
            # order flow does — the sure answer is the only one there is
            hit = hits[0]
        parts.append(Part(piece, hit, marked))
    return parts


def _sure(hits: list[Hit], thresholds: Thresholds | None) -> bool:
    return bool(hits and thresholds and hits[0].score >= thresholds.confident)


# A part whose subject is a pronoun standing for the topic of the part before ("How do I earn
# points and what are they worth at checkout?": "they" are the points).
_PRONOUN_SUBJECT = re.compile(
    r"^(?:and |so |also |then )?(?:[\w']+ ){0,6}(?:they|them|those|these)\b|"
    r"^(?:那|那么)?(?:它们?|这些|那些)",
    re.IGNORECASE,
)


def _leaning_query(piece: str, before: str) -> str | None:
    """The part searched with the topic of the part before when it names none of its own and
    speaks of it by a pronoun ("what are they worth at checkout" + "points": the points' use,
    0.78, where alone it finds nothing above 0.19); None otherwise."""
    if not before or topic_terms(piece) or not _PRONOUN_SUBJECT.search(simplified(piece)):
        return None
    terms = topic_terms(before)
    return f"{piece} {' '.join(terms)}" if terms else None


# A piece that only points at the order the rest is about ("就大衣那个订单", "是20231120002这单",
# "the coat one"): it says which order, it asks nothing of its own.
_ONLY_REFERENCE = re.compile(
    r"^(?:就|是|就是|对|嗯)?(?:我的|我那个|那个|这个)?[\w\u4e00-\u9fff]{0,10}?"
    r"(?:那个订单|这个订单|的订单|那一单|这一单|那单|这单|订单)(?:吧|啊|呀|哈)?$"
    r"|^(?:the|that|my) \w+(?: \w+)? (?:one|order)$",
    re.IGNORECASE,
)


# "嗨 在线吗", "hi are you there": whether anyone is there, a greeting — nothing to answer alone
_PRESENCE = re.compile(
    r"^(?:(?:嗨|hi|hello|hey|你好|您好|哈喽|哈囉|在吗|在嗎)[\s,，!！~～]*)*"
    r"(?:在吗|在嗎|在线吗|在線嗎|有人吗|有人嗎|在不在|有冇人|are you there|anyone there)?"
    r"[?？!！~～\s]*$",
    re.IGNORECASE,
)


def asks_of_its_own(part: Part) -> bool:
    """The part asks something of its own: a question (marked, or a general question) or the
    customer's own case asked or requested ("发货了吗", "我的手环到哪了", "帮我改下地址") — not a
    statement of reason or fact ("没有质量问题 就是不想要了", "it just doesn't fit") nor a
    part that only says which order."""
    if _ONLY_REFERENCE.match(part.text.strip()) or _PRESENCE.match(part.text.strip()):
        return False
    return part.marked or is_general_question(part.text) or asks_for_something(part.text)


async def answer_parts(
    services: Services,
    dispatcher: CollectingDispatcher,
    text: str,
    lang: str,
    parts: list[Part] | None = None,
    answered: str = "",
) -> list[Part] | None:
    """Answer the parts the knowledge base answers and name each other question back with a
    button that asks it alone. None (nothing said) unless the message asks several things and
    at least one was answered; else the parts named back. ``parts``: the message's
    ``question_parts`` when the caller has them already; ``answered``: the bot's replies to the
    message before (see ``question_parts``)."""
    if parts is None:
        parts = await question_parts(services, text, lang, answered)
    found = [p for p in parts if p.hit is not None]
    if not found:
        return None
    seen: set[str] = set()
    for part in found:
        if part.hit is None or part.hit.faq_id in seen:
            continue
        seen.add(part.hit.faq_id)
        dispatcher.utter_message(text=faq_text(lang, part.hit.answer), faq_id=part.hit.faq_id)
    rest = [p for p in parts if p.hit is None and asks_of_its_own(p)]
    if rest:
        dispatcher.utter_message(
            text=say(
                lang,
                "您还问到了下面的问题，点一下我接着帮您看～",
                "You also asked the question below — tap it and I'll look into it next.",
            ),
            buttons=_offered(lang, rest),
        )
    return rest


async def answer_others(
    services: Services,
    dispatcher: CollectingDispatcher,
    text: str,
    lang: str,
    parts: list[Part],
    form: str,
) -> list[Part]:
    """Before ``form`` takes the part about the customer's own order, answer the parts the
    knowledge base answers that are not that flow's ("手环发货了没 顺便问下保修多久": the warranty
    first); the parts left."""
    answered = [p for p in parts if p.hit is not None and not about_flow(form, p.text)]
    if answered:
        await answer_parts(services, dispatcher, text, lang, answered)
    return [p for p in parts if p not in answered]


def _title(lang: str, text: str) -> str:
    """A part as a button's title: in the customer's script (a traditional message may have
    been split in its simplified reading), cut at a word with "…" when long."""
    text = faq_text(lang, text)
    if len(text) <= MAX_TITLE:
        return text
    cut = text[: MAX_TITLE - 1]
    if not CJK.search(cut) and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # "…import tax on my en" → "…import tax on my…"
    return f"{cut.rstrip()}…"


def _offered(lang: str, parts: list[Part]) -> list[dict[str, str]]:
    return [
        *({"title": _title(lang, p.text), "payload": p.text[:200]} for p in parts),
        person_button(lang),
    ]


# What each order flow is about, to tell which part of a message of several questions about
# the customer's own case the flow takes ("我的手环到哪了？顺便问下这单能开发票吗" read as an
# invoice request: the invoice is the flow's, the bracelet's delivery is offered).
_FLOW_WORDS = {
    "invoice_form": r"发票|开票|抬头|invoice|fapiao",
    # read in Mainland Mandarin (kefu.mandarin): Cantonese "寄咗未呀 幾時到" is "寄了没有呀
    # 什么时候到", Taiwan's 出貨 is 发货
    # "怎么到现在都还没寄来", "等到颈都长埋 还是未到": not here yet
    # "现在在路上哪一站", "还得几天才到": where on its way, how many days more
    "shipment_form": r"到哪|物流|快递|运单|在路上|哪一?站|几天才[送寄]?到|还(?:得|要)几天|"
    r"(?:什么时候|啥时候|几时|哪天|几号|几月几号)(?:能|会|可以)?[送寄]?到|"
    r"没寄来|[没未]到|"
    # "送緊過嚟未呀" (read as "正在送过来了没有呀")
    r"[送寄]过来了?没|正在送|"
    r"\btrack|\bwhere\b|deliver|arriv",
    # ("寄咗出嚟未呀" is "寄出来了没有呀")
    "order_status_form": r"发货|状态|寄了没|寄出了?没|[寄发]出来了?没|\bship|status",
    # ("这单我不打算付了，作废吧")
    "cancel_form": r"取消|不要了|撤单|撤销订单|撤回订单|撤掉|作废|不打算付|不想付了|不付了|cancel|"
    r"call (?:it|the order|my order) off",
    "change_form": r"改|换|地址|电话|change|switch|address|adress|re-?rout|redirect",
    "return_form": r"退|return|refund|\bsend (?:\w+ )?back\b",
    "repair_form": r"修|repair|warranty|fix",
    "payment_form": r"付款|支付|扣款|扣钱|付了|\bpa(?:y|id)\b|charge",
    # with the typos customers make: 退宽 (退款), 到帐 (到账)
    # Cantonese "退咗款未" is "退了款没"
    "action_check_refund": r"退了?款|退宽|退钱|钱.{0,6}退|退.{0,3}钱|钱.{0,4}回来|到账|到帐|"
    r"refund|money back|\b(?:money|payment)\b[^.?!]{0,40}\b(?:come|came|gone|went) back\b|"
    r"\b(?:money|payment)\b[^.?!]{0,60}\b(?:come|came) through\b",
}


# The flows in the order their words are specific: "钱退了没" is the refund's state before it is
# a return ("退"), "发票" an invoice before anything else.
_SPECIFIC_FIRST = (
    "invoice_form", "action_check_refund", "cancel_form", "repair_form", "payment_form",
    "shipment_form", "order_status_form", "return_form", "change_form",
)  # fmt: skip


def words_flow(text: str) -> str | None:
    """The most specific flow the message's own words name, else None."""
    return next((form for form in _SPECIFIC_FIRST if about_flow(form, text)), None)


# "燜燒罐那筆已經付款了 大概哪天會出貨呀": the order's state said on the way to a question about
# it, no payment problem ("已经付款了 还显示待付款" still names one: 待付款)
_PAID_ALREADY = re.compile(
    r"已经?付(?:过)?款了?|\b(?:already paid|i'?ve (?:already )?paid|i have (?:already )?paid)\b",
    re.IGNORECASE,
)


def about_flow(form: str, text: str) -> bool:
    """The message's own words name what ``form`` does ("cancel", "发票", "修")."""
    words = _FLOW_WORDS.get(form)
    plain = to_mandarin(text)
    if form == "payment_form":
        plain = _PAID_ALREADY.sub(" ", plain)
    return bool(words and re.search(words, plain, re.IGNORECASE))


# words that ask for an act ("取消吧", "帮我退了", "cancel it please"), not report a state
# ("一直提示支付失败")
_ASKS_ACT = re.compile(
    r"吧|帮我|给我|请|麻烦|我要|我想|\bplease\b|\bpls\b|^\s*(?:cancel|return|change|refund)\b",
    re.IGNORECASE,
)


def requests_flow(form: str, text: str) -> bool:
    """A clause of the message asks for what ``form`` does, not a question about it ("取消吧",
    "cancel it please" — not "订单怎么取消", "how do i cancel")."""
    return any(
        about_flow(form, c) and _ASKS_ACT.search(c) and not asks_something(c)
        for c in split_clauses(to_mandarin(text))
    )


def offer_the_others(
    dispatcher: CollectingDispatcher, parts: list[Part], form: str, lang: str
) -> list[Part]:
    """At the start of ``form`` on a message of several questions none of which the knowledge
    base answers: the parts the flow does not take are offered as buttons, so the second
    question is not dropped. Nothing when no part is clearly the flow's (the flow may be the
    NLU's reading of the whole)."""
    own = next((p for p in parts if about_flow(form, p.text)), None)
    if own is None:
        return []
    rest = [p for p in parts if asks_of_its_own(p) and not about_flow(form, p.text)]
    if rest:
        dispatcher.utter_message(
            text=say(
                lang,
                f"先帮您看“{own.text}”～您另外问到的问题，点一下我接着帮您看：",
                f'Let me take care of "{own.text}" first — tap your other question below and'
                " I'll look into it next:",
            ),
            buttons=_offered(lang, rest),
        )
    return rest
