"""A payment channel named right after the bot spoke of a refund ("我是银行卡付的", "and
alipay?"): how long that refund takes to reach it — the knowledge-base question such a message
asks, and the line of an answer that names the channel (``actions._follow_up``)."""

from __future__ import annotations

import re

from actions._reading import CJK, ORDER_ID
from kefu.i18n import say, to_simplified
from kefu.mandarin import to_mandarin

__all__ = [
    "SHORT_CJK",
    "SHORT_WORDS",
    "cancelled_money",
    "channel_named",
    "clause_naming",
    "is_short",
    "refund_channel_query",
]

SHORT_CJK = 16  # characters of a Chinese message (after stripping spaces and punctuation)
SHORT_WORDS = 9  # words of an English message
_NOT_TEXT = re.compile(r"[\s\W_]+")


def is_short(text: str) -> bool:
    """A message short enough to be a follow-up (``SHORT_CJK``, ``SHORT_WORDS``)."""
    if CJK.search(text):
        return len(_NOT_TEXT.sub("", text)) <= SHORT_CJK
    return len(text.split()) <= SHORT_WORDS


# "我是银行卡付的", "paid w alipay. how long once its done" right after a refund's state: how
# long a refund takes to reach that channel (the customer names the channel, not the question).
_CHANNEL = re.compile(
    r"支付宝|微信|银行卡|信用卡|借记卡|储蓄卡|花呗|云闪付|刷卡|余额|零钱|"
    r"\b(?:alipay|wechat|credit card|debit card|bank card|card|visa|mastercard|balance)\b",
    re.IGNORECASE,
)
# a refund spoken of: its state or times, or a cancelled order's money "将原路退回"
_REFUND_SAID = re.compile(r"退款|原路退回|退回原|refund|paid back|goes back to", re.IGNORECASE)
# the details of a charge ("今天上午十点 微信 599扣了两次"), not the channel of a refund
_CHARGE = re.compile(r"扣|两次|重复|charged|twice|double", re.IGNORECASE)


_CLAUSE = re.compile(r"[，,；;。:：]\s*|\.\s+|\.$")


def clause_naming(answer: str, word: str) -> str | None:
    """The clause of ``answer`` that names ``word`` ("WeChat Pay/Alipay 1–3 working days"), as
    a sentence of its own; None when no clause names it."""
    word = to_simplified(word).lower()
    for clause in _CLAUSE.split(answer):
        clause = clause.strip()
        if clause and word in to_simplified(clause).lower():
            if CJK.search(clause):
                return f"{clause}。"
            return f"{clause[0].upper()}{clause[1:]}."
    return None


def refund_channel_query(text: str, answered: str) -> str | None:
    """The knowledge-base question a short message naming a payment channel asks right after
    the bot spoke of a refund: how long that refund takes to arrive there; else None."""
    plain = to_mandarin(text)
    if not answered or not _REFUND_SAID.search(to_simplified(answered)):
        return None
    if ORDER_ID.search(text) or not is_short(text) or _CHARGE.search(plain):
        return None
    if not (channel := _CHANNEL.search(plain)):
        return None
    if CJK.search(plain):
        return f"退款多久到账 {channel.group(0)}"
    return f"how long does a refund take to arrive {channel.group(0)}"


def channel_named(text: str) -> str | None:
    """The payment channel the message names ("支付宝", "alipay"), else None."""
    found = _CHANNEL.search(to_mandarin(text))
    return found.group(0) if found else None


def cancelled_money(lang: str, order_id: str) -> str:
    """Where a cancelled order's money goes ("之前取消的那套绘本 158块钱退哪去了", "童书那套订单是
    不是没了 钱给我退回去了没"): back the way it was paid, and when — asked of the cancel or of
    the refunds (a cancelled order has no refund request of its own)."""
    return say(
        lang,
        f"订单 {order_id} 已取消。如果下单时已经付款，取消后款项会原路退回：微信/支付宝"
        "1–3个工作日、银行卡3–7个工作日到账（以银行入账为准）；超过这个时间还没到账，"
        "点下面的“转人工客服”，我们帮您核实～",
        f"Order {order_id} is cancelled. If it was paid, the money goes back the way "
        "you paid: WeChat Pay/Alipay within 1–3 working days, bank cards within 3–7 "
        'working days. If it has not arrived after that, tap "Talk to an agent" and '
        "we'll check it for you.",
    )
