"""The decision step: the knowledge base and the NLU's intent decide together.

Every customer message that could be a shop question is scored by both; ``decide`` chooses by one
rule, written here and in ARCHITECTURE.md ("Who decides what the bot does with a message"):

1. Social and control intents (greetings, thanks, yes / no, a request for a person, a complaint,
   a bare order id), any message naming an order id (unless it asks about a service no
   order flow performs, 2c, other than a double charge) and a question about the state of the
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
      arrived broken or a wrong item sent ("连衣裙发错了 收到个黑色M"), a payment that will not
      go through ("T恤那单付不了款 一直提示支付失败", "一付钱就弹出来说卡的额度不够"):
      about their own order or not, the knowledge base's rule is the answer
      (``no_flow_service``) — the FAQ whose own question asks about that service, even below
      a lookalike the search put first (the gift card balance for "卡的额度": ``_service_rule``).
3. A question the NLU read as one (``ask_faq``, ``product_inquiry``; not a message it could
   not place) or such a general question (2b) is also the knowledge base's when its best hit
   is below *confident* but at or above *choose* and ahead of the second by at least
   ``CLEAR_LEAD`` (for a question, also ``CLEAR_RATIO`` times its score: ``clear_best``):
   "how do i get an invoice" is a how-to, and an order flow asking for an order number does
   not answer it; "货到付款有没有" is the payment methods' question, and a "did you mean" list
   of one likely answer only delays it.
   Lower still — below *choose* but at least ``LIKELY_FLOOR``, ``CLEAR_RATIO`` times the
   second and ``LIKELY_LEAD`` ahead of it (``likely_best``), or for a question the only hit at
   or above *choose*, ``LIKELY_LEAD`` ahead of the next (a "did you mean" list of one) — a question
   the NLU read as one is given that FAQ *as a likely answer*: the FAQ's own question is named
   before its answer, and a person is a tap away ("买了四十块的东西要运费不": the free-shipping
   rule at 0.37 against 0.17). So is such a general question (2b) the NLU read as a flow, and a
   service no flow performs (2c), when the flow starts (``actions._flow_start``: "how do i send
   something back, like step by step", a return at 0.82, the how-to at 0.42 against 0.05).
   Real customers' wording scores lower than the editors' similar questions the layer learned
   from, and the customer reads which question was answered; a dead end helped nobody.
4. Anything else keeps the intent: a flow starts, the FAQ action offers close questions, the
   fallback asks to rephrase and offers a person.

A long message (``LONG_MESSAGE`` characters or more, no order id) is a story around a question
("我上个月买了好多东西……我就想问问 那个退货的运费到底是谁出啊 因为我没买运费险……"): it is
decided by the question it asks — its last clause that is a general question (``focus``);
without one it stays whole. It is searched both whole and by that question, each FAQ keeping
its better score.

Two questions in one message ("包邮吗？还有能开发票吗") are split on question boundaries
(``actions._splitting.split_questions``) by the callers, and each half goes through the same rule
(``actions._two_questions``). How a message is read (own case, general question, …) is
``actions._reading``; how the knowledge base is searched, ``actions._kb_search``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from actions._item_wishes import wrong_item_sent
from actions._kb_search import search_kb
from actions._payment_rules import calm_double_charge
from actions._reading import (
    ORDER_ID,
    asks_something,
    focus,
    is_general_question,
    is_question,
    names_own_thing,
    requests_act,
    simplified,
)
from actions._scam import reports_scam
from actions._services import Services
from actions._shop_words import PRICE_DROP, REFUSE
from actions._splitting import split_questions
from knowledge_base import topic_terms
from knowledge_base.api import Hit, Thresholds

__all__ = [
    "Decision",
    "clear_best",
    "decide",
    "decide_with_kb",
    "decided_without_kb",
    "likely_best",
    "no_flow_service",
    "own_order_intent",
    "own_state_flow",
    "rejected_request",
    "rule_for_named_order",
    "tied_pair",
]

NEVER_KB = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "request_human",
     "file_complaint", "inform"}
)  # fmt: skip
QUESTION_INTENTS = frozenset({"ask_faq", "product_inquiry", "nlu_fallback", "out_of_scope"})
# the NLU read a question, not nothing: a clear best answer below *confident* answers it (a
# message it could not place — "its my order, my name is emily" — is no question to guess at)
ASKING_INTENTS = frozenset({"ask_faq", "product_inquiry"})

CLEAR_LEAD = 0.2
CLEAR_RATIO = 2.0
LIKELY_FLOOR = 0.2
LIKELY_LEAD = 0.1
TIE_GAP = 0.05  # two FAQs of one topic this close share the question between them
FLOW_RUNNER_UP = 0.1
# Of the services of rule 2c, those an order flow takes once the order is named: a named
# order's double charge is the payment flow's (it checks that order's payments).
FLOW_SERVICES = frozenset({"double_charge"})


def own_order_intent(
    text: str,
    ranking: Iterable[dict[str, Any]],
    flows: Collection[str],
    floor: float = FLOW_RUNNER_UP,
) -> str | None:
    """Rule 1 for a message naming an order id that the NLU did not read as a flow: the most
    likely of ``flows`` in the NLU's ``ranking`` (at least ``floor``), else None."""
    if not ORDER_ID.search(text):
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
    r"(?:发票|invoice).{0,8}?(?:开了[吗么嘛没]|开了没|开出来[了没吗么]|开好了(?!会|以后|之后|后|就)|开好[没吗么]|开具了[吗么嘛没]|开没开|"
    r"还没开|没有?开|到哪一?步|进度|状态)|"
    r"\binvoice\b.{0,30}\b(?:been issued|issued yet|ready yet|been sent|sent yet|status)\b|"
    # "当时开的票抬头写的哪家公司来着", "what name is on my invoice": the title it was issued to
    r"抬头.{0,4}?(?:写的|开的|是)?(?:哪家|哪个|什么|啥)|"
    # "20231120013 的发票当时开给哪家了"
    r"(?:发票|票).{0,6}?开(?:给|成|的是)了?(?:哪家|哪个|什么|谁|啥)|"
    r"\bwh(?:at|ich) (?:name|title|company)\b.{0,20}\bon (?:the|my) invoice\b",
    re.IGNORECASE,
)
OWN_STATE_FLOWS = {"invoice_form": _INVOICE_STATE}


def own_state_flow(text: str) -> str | None:
    """The order flow (a form's name) that answers a question about the state of the
    customer's own case ("发票开了没"), else None."""
    plain = simplified(text)
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
    r"碎了|压扁|压坏|压碎|摔碎|破损|裂了|裂开|裂纹|裂缝|凹掉|凹了|凹进去|压凹|\b(?:smashed|crushed|cracked|shattered)\b|"
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
    # ("付款一直提示失败 换了张卡也不行")
    r"(?:支付|付款|付钱)(?:一直|总是|老是|还是|又|都)?(?:提示|显示|说)?失败|付不了|付不出去|支付不了|付款不了|无法支付|无法付款|不能支付|不能付款|"
    r"付不成|(?:支付|付款|付钱)的?时候?[^，。,.!?？！]{0,6}(?:跳出|弹出|显示|提示)?(?:错误|报错|出错)|"
    r"\bpayment (?:failed|fails|keeps failing|won'?t go through|declined|not going "
    r"through)\b|\bcan'?t (?:pay|check ?out)\b|\bcard (?:was |keeps getting |got )?declined\b|"
    # the card's limit or the balance said too low ("一付钱就弹出来说卡的额度不够", "超出单笔
    # 限额", "余额不足", "刷不了")
    r"额度不[够足]|超(?:出|过)?了?(?:单笔|单日|每日|当日)?限额|余额不足|刷不了|刷不出|"
    r"\binsufficient (?:funds|balance)\b|"
    r"\b(?:over|exceeds?|exceeded) (?:the |my )?(?:card )?limit\b",
    re.IGNORECASE,
)
_MONEY_TAKEN = re.compile(
    r"扣了|扣款|扣钱|扣费|被扣|钱没了|余额少了|\b(?:charged|deducted|taken|debited)\b",
    re.IGNORECASE,
)


# An after-sales request turned down ("我的退貨申請被駁回了，為什麼？", "my refund request got
# rejected, why"): where the reason is shown and how to resubmit is the shop's rule; no order
# flow reviews a request again.
_REJECTED = re.compile(
    r"(?:退货|退款|售后|申请|退换|换货)[^，。,.!?？！]{0,8}(?:被驳回|驳回了|被拒|拒绝了|没通过|没有通过|"
    r"不通过|审核失败)|"
    r"\b(?:return|refund|request|claim)\b[^.?!]{0,20}\b(?:rejected|denied|turned down)\b",
    re.IGNORECASE,
)


# Delivery to the door asked for ("20231120004能让快递直接送上楼吗 我不想跑去驿站拿"): the
# courier's door delivery is the shop's rule (a note on the order, the courier's own service);
# no flow changes how a parcel is delivered, and the order's tracking does not answer it.
_TO_THE_DOOR = re.compile(
    # (not when it arrives: "什么时候能送到家", "那估摸着哪天能送上门")
    r"^(?!.*(?:哪天|什么时候|啥时候|几号|几时|多久|\bwhen\b)).*?(?:"
    r"送(?:上楼|到楼上|货上门|上门|到门口|到家门口)|直接送到家|不想(?:跑|去|下楼)[^，。,.!?？！]{0,4}(?:驿站|快递柜|自提)|"
    r"\bdeliver\w*\b[^.?!]{0,20}\b(?:to|at) (?:my|the) (?:door|doorstep|flat|apartment)\b|"
    r"\b(?:up|upstairs) to my (?:door|flat|apartment)\b)",
    re.IGNORECASE,
)


# A cancel asked for: a lower price is then the reason for it, not a price protection asked
# ("can I still cancel the earbuds? saw them cheaper somewhere else", "取消得唔得 我喺第二度買平
# 咗"): the cancel flow says whether the order can still be cancelled.
_CANCEL_ASKED = re.compile(r"取消|撤回|撤单|\bcancel", re.IGNORECASE)


def _services_asked(text: str) -> frozenset[str]:
    """The services no order flow performs that the message asks about (rule 2c)."""
    plain = simplified(text)
    asked = {
        # "现在活动价比我买的时候低了快三十"
        "price": bool(_NO_FLOW_SERVICE.search(plain) or PRICE_DROP.search(plain))
        and not _CANCEL_ASKED.search(plain),
        "scam": reports_scam(text),
        "wrong_item": wrong_item_sent(text),
        "broken": bool(_BROKEN.search(plain) and _ARRIVED.search(plain)),
        "payment_fails": bool(_PAY_FAILS.search(plain) and not _MONEY_TAKEN.search(plain)),
        # "looks like checkout took my money two times just now", calm and not days old: the
        # 24-hour rule is the answer (``actions._payment_rules``), with or without an order
        "double_charge": calm_double_charge(text),
        "rejected": rejected_request(text),
        "door": bool(_TO_THE_DOOR.search(plain)),
        # "20231120004 我不打算收了 快递来了能拒签吗": the refusal's rule, whatever the order
        "refuse": bool(REFUSE.search(plain)),
    }
    return frozenset(name for name, said in asked.items() if said)


def rejected_request(text: str) -> bool:
    """The message tells of an after-sales request turned down ("退货申请被驳回了"): its
    "申请 / 退货" asks for no new one."""
    return bool(_REJECTED.search(simplified(text)))


def no_flow_service(text: str) -> bool:
    """The message asks about a service no order flow performs (rule 2c)."""
    return bool(_services_asked(text))


def rule_for_named_order(text: str) -> bool:
    """The message asks about a service no order flow performs even once the order is named
    (rule 2c without ``FLOW_SERVICES``): the knowledge base's rule answers it, not a flow."""
    # (one question: "20231120004 送到了没？还有 中通能不能让他送上楼" asks the order's state
    # too — the flow takes the order, the door delivery is answered beside it)
    return bool(_services_asked(text) - FLOW_SERVICES) and all(
        _services_asked(part) or not asks_something(part) for part in split_questions(text)
    )


def _service_rule(text: str, hits: list[Hit]) -> Hit | None:
    """Of the hits for a message asking about a service no flow performs, the rule of that
    service — the first FAQ whose own question asks about it — when the best hit's question
    does not ("卡的额度不够": the failing payment's rule at 0.10, not the gift card balance's
    at 0.61, which "余额 / 额度" made look alike); else None."""
    asked = _services_asked(text)
    if not asked or not hits or _services_asked(hits[0].question) & asked:
        return None
    return next((h for h in hits[1:] if _services_asked(h.question) & asked), None)


def clear_best(hits: list[Hit], thresholds: Thresholds | None) -> bool:
    """The best hit answers a question (rules 2a and 3): confident, or at least *choose*, ahead
    of the second by ``CLEAR_LEAD`` and at least ``CLEAR_RATIO`` times its score ("货到付款有没
    有": the payment methods, which say cash on delivery is not offered, 0.68 against 0.01 —
    no "did you mean" list; "价格", 0.48 against 0.27, and "发货慢", 0.67 against 0.44, keep
    their choices)."""
    if not hits or thresholds is None or hits[0].score < thresholds.choose:
        return False
    top, second = hits[0].score, (hits[1].score if len(hits) > 1 else 0.0)
    return top >= thresholds.confident or (
        top - second >= CLEAR_LEAD and top >= CLEAR_RATIO * second
    )


def likely_best(
    text: str, hits: list[Hit], thresholds: Thresholds | None, service: bool = False
) -> bool:
    """The best hit is below *choose* but far ahead of the rest (rule 3, lower still): given as
    a likely answer, its question named ("银卡升金卡要怎么升": the membership levels, 0.25
    against 0.09; "七天无理由退回去 邮费是谁掏", 0.27 against 0.24, is no likely answer)."""
    if not hits or thresholds is None or (requests_act(text) and not service):
        # "帮她查查嘛": an act asked for, no rule to guess at — unless it asks a service no
        # flow performs (``service``: "让我把验证码念给他" reports a scam call, rule 2c)
        return False
    top, second = hits[0].score, (hits[1].score if len(hits) > 1 else 0.0)
    if thresholds.choose <= top < thresholds.confident:
        # a question whose only FAQ at or above *choose* is ahead of the next ("寄去澳門要幾耐":
        # shipping to Hong Kong, Macau and Taiwan at 0.45 against 0.30): a "did you mean" list
        # of one would only ask for a tap — the likely answer, its question named, instead. Not
        # a bare word ("退货": the refused refund at 0.49), whose list lets the customer say more
        return is_question(text) and second < thresholds.choose and top - second >= LIKELY_LEAD
    return (
        LIKELY_FLOOR <= top < thresholds.choose
        and top - second >= LIKELY_LEAD
        and top >= CLEAR_RATIO * second
    )


def tied_pair(text: str, hits: list[Hit], thresholds: Thresholds | None) -> list[Hit] | None:
    """Two FAQs of one topic that split the question between them, both below *choose*
    but together above it, far ahead of the rest ("七天无理由退货怎么申请啊": whether the
    no-reason return applies, 0.33, and how to apply for a return, 0.33): both answers, each
    question named, rather than "not found" — each holds half of what was asked."""
    if len(hits) < 2 or thresholds is None or requests_act(text):
        return None
    first, second = hits[0], hits[1]
    third = hits[2].score if len(hits) > 2 else 0.0
    if (
        first.score >= thresholds.choose
        or first.score - second.score > TIE_GAP
        or first.score + second.score < thresholds.choose
        or second.score < CLEAR_RATIO * third
        or not any(
            a in b or b in a
            for a in topic_terms(first.question)
            for b in topic_terms(second.question)
        )  # one topic: "7天无理由退货" holds "退货"
    ):
        return None
    return [first, second]


def decided_without_kb(text: str, intent: str) -> Decision | None:
    """Rule 1 alone: the decision when the knowledge base's hits cannot change it (a social or
    control intent, a message naming an order, a question about the state of the customer's
    own invoice), else None."""
    if intent in NEVER_KB:
        return Decision("intent", "social or control intent")
    if ORDER_ID.search(text) and not rule_for_named_order(text):
        # (a service no flow performs is the knowledge base's rule even for a named order,
        # rule 2c: "20231120003 昨天看同款便宜了三十 等签收了能补差价吗" is price protection)
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
    # (not over a confident answer: "APP一直闪退 付不了款 你们是不是崩了" is the outage's)
    if not confident and (rule := _service_rule(text, hits)) is not None:
        return Decision("kb", "the rule of a service no order flow performs", rule)
    if no_flow_service(text) and (
        clear_best(hits, thresholds)
        or "rejected" in _services_asked(top.question) & _services_asked(text)
    ):
        # clearly the best, or for a request turned down the best is its own FAQ ("退款被拒绝了
        # 怎么办", 0.70 beside how to apply for a return at 0.67; not "行 我去点申请价保" after
        # the price protection's answer, which asks nothing)
        return Decision("kb", "a service no order flow performs", top)
    if follow_up:
        # Read with the message before, only the customer's own order or thing keeps the
        # intent ("我的呢"); a state word alone ("开好了发到哪" after an invoice) does not: the
        # NLU read the words without their subject.
        if confident and not ORDER_ID.search(text) and not names_own_thing(text):
            return Decision("kb", "a follow-up the knowledge base answers with its context", top)
        return Decision("intent", "no confident knowledge-base answer in context")
    second = hits[1].score if len(hits) > 1 else 0.0
    if intent in QUESTION_INTENTS:
        if confident:
            return Decision("kb", "a question the knowledge base answers", top)
        if (intent in ASKING_INTENTS or is_question(text)) and clear_best(hits, thresholds):
            # a message the NLU could not place but that asks ("凑单凑到52块 还差几块才免邮啊");
            # not one that asks nothing ("its my order, my name is emily")
            return Decision("kb", "a question; the knowledge base's clear best answer", top)
        return Decision("intent", "no confident knowledge-base answer")
    if not (general or is_general_question(text)):
        return Decision("intent", "the customer's own case")
    if confident:
        return Decision("kb", "a general question, not the customer's own case", top)
    if top.score - second >= CLEAR_LEAD:
        return Decision("kb", "a general question; the knowledge base's clear best answer", top)
    return Decision("intent", "no confident knowledge-base answer")


async def decide_with_kb(services: Services, text: str, intent: str, lang: str) -> Decision:
    """``decide`` on the knowledge base's hits for ``text``; the search (the sentence encoder,
    a few ms of CPU) runs only when its hits can change the decision (``decided_without_kb``)."""
    early = decided_without_kb(text, intent)
    if early is not None:
        return early
    hits, thresholds = await search_kb(services, text, lang)
    return decide(text, intent, hits, thresholds)
