"""What a payment problem is, read from the customer's words: a double charge, one said to be
days old, and a payment with no order to show for it. ``actions.payment`` answers a double charge
by the shop's 24-hour rule; ``person_first`` says when the payment flow's first question (which
order?) cannot help and a person takes the chat at once (README, "Payment problems")."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._handoff import start_handoff
from actions._scam import reports_scam
from actions._services import Services
from actions._text import is_angry, say
from kefu.mandarin import to_mandarin

__all__ = [
    "DOUBLE",
    "WAITED",
    "calm_double_charge",
    "hand_payment_to_person",
    "paid_without_order",
    "person_first",
    "pressing",
    "rule_told",
    "self_refund_text",
]

# "扣了我两次钱", "付了一次扣了两遍", "charged twice", "a duplicate payment"
DOUBLE = re.compile(
    r"两次|两遍|2次|重复扣|重复支付|多扣|扣了两|"
    r"\btwice\b|\btwo times\b|\bdouble[- ]?charged\b|\bdouble charge|\bduplicate\b|"
    r"\b(?:two|2) (?:charges|payments|debits)\b|两笔|扣了2|"
    # "my bank app shows two identical charges from you for one purchase"
    r"\b(?:two|2) (?:identical|same|matching|separate) (?:charges|payments|debits|transactions)\b|"
    # "银行来了两条扣款短信", "收到两个扣费通知", "付款的时候网不好 我又点了一遍 …扣款": two
    # charges told by the bank's messages, or a payment made again
    r"[两2]条[^，。,.!?？！\s]{0,4}(?:扣款|扣费|扣钱|短信|通知)|"
    r"又(?:点|付|支付|付款|按)了一(?:遍|次|下)[^。.!?？！]{0,20}(?:扣|短信|通知)",
    re.IGNORECASE,
)
# "都三天了也没退回来", "上周", "好几天了", "over 24 hours", "3 days and nothing": past the 24
# hours the rule promises, so the self-refund answer would not help; finance must check.
WAITED = re.compile(
    r"[两二三四五六七八九十几好多\d]+\s*(?:天|日|个?星期|周)|上周|上个?星期|上个月|超过\s*24|"
    # "that was the day before yesterday and the extra payment is still sitting there"
    r"前天|\bday before yesterday\b|"
    r"\b(?:[2-9]|\d{2,}|two|three|four|five|several|a few)\s+(?:full |whole |entire )?days?\b|"
    r"\bweeks?\b|\blast week\b|"
    r"\b(?:more|longer) than (?:24 hours|a day)\b|"
    # "nearly 48 hours on", "都30个小时了": hours past the 24
    r"\b(?:2[5-9]|[3-9]\d|\d{3,})\s*(?:hours?|hrs?)\b|(?<!\d)(?:2[5-9]|[3-9]\d)\s*(?:个)?小时",
    re.IGNORECASE,
)
# "付了钱但是没有订单", "钱扣了 订单里找不到", "i paid but theres no order in my account": there is
# no order number to give; finance must find the payment.
_NO_ORDER = re.compile(
    r"没有?(?:生成|看到|找到|显示)?(?:新)?订单|订单(?:里|列表)?(?:没有|没看到|找不到|不见|没显示|没生成)|"
    r"\bno (?:new )?order\b|\b(?:isn'?t|is not|there'?s no|theres no|don'?t see|dont see|"
    r"can'?t find|cant find) (?:any |an |the |my )?(?:new )?order\b|"
    r"\border (?:doesn'?t|does not|didn'?t|did not|isn'?t|is not|never) (?:show|appear)|"
    # "订单列表空空的", "my order list is totally empty"
    r"订单(?:列表|页面?)?(?:里|上)?(?:是|都)?空|"
    # "钱扣了389 订单里啥也没有"
    r"订单(?:列表|页面?)?(?:里|上)?(?:啥|什么|一个)(?:也|都)(?:没有|没|找不到|看不到)|"
    r"\borders? (?:list|history|page)\b[^.?!]{0,20}\b(?:empty|blank)\b",
    re.IGNORECASE,
)
_PAID = re.compile(
    r"付|扣|支付|\bpaid\b|\bpay\b|\bcharged\b|\bmoney\b|\btook (?:[¥￥$]?\d|money|my money)|"
    r"\bdeducted\b|[¥￥]",
    re.IGNORECASE,
)


_CHARGE_EN = re.compile(r"\bcharges?\b|\bbilled\b", re.IGNORECASE)
# After the 24-hour rule, the money said to be still away ("第二笔还是没退回来"): the charge it
# spoke of, named by its coming back
_NOT_BACK = re.compile(
    r"退回|退还|到账|回来|[那第二]笔|\b(?:come|came|gone|went) back\b|\brefund|"
    # "the second payment is still showing on my card"
    r"\b(?:second|other|extra|duplicate) (?:payment|charge)\b|\bstill (?:showing|there|on my)\b",
    re.IGNORECASE,
)


def paid_without_order(text: str) -> bool:
    """The customer paid, and no order shows for it ("alipay took ¥320 … but my order list is
    totally empty"): finance must trace the payment (``person_first``)."""
    plain = to_mandarin(text)
    return bool(_NO_ORDER.search(plain) and _PAID.search(plain))


def pressing(text: str) -> bool:
    """A double charge said to be past the 24 hours, or said angrily: the self-refund rule
    would not help."""
    return bool(WAITED.search(to_mandarin(text))) or is_angry(text)


def person_first(text: str, logged_in: bool, told: bool = False) -> tuple[str, str] | None:
    """What the bot says (Chinese, English) before a person takes a payment problem at once,
    or None when the flow's questions can help: paid with no order to show for it; a double
    charge said to be days old, or angry, from a visitor who is not logged in (the bot can look
    up nothing; a person can check the payment)."""
    plain = to_mandarin(text)
    if paid_without_order(text):
        return (
            "付了款却没有生成订单，需要财务同事按支付流水帮您查，我马上为您转接人工客服，"
            "请准备好支付截图或交易单号～",
            "A payment with no order needs our finance team to trace the transaction — I'm "
            "bringing in a person now. Please have the payment screenshot or transaction "
            "number ready.",
        )
    money = bool(_PAID.search(plain) or _CHARGE_EN.search(plain))
    if (not logged_in and DOUBLE.search(plain) and pressing(text)) or (
        told and (money or _NOT_BACK.search(plain)) and pressing(text)
    ):
        # (``told``: the 24-hour rule was given, and now it is said to be past it — "nearly
        # 48 hours on and the second charge still hasn't gone back")
        return (
            "重复扣款超过24小时还没退回，需要财务同事核实流水，我马上为您转接人工客服，"
            "请准备好扣款截图～",
            "A double charge that hasn't come back after 24 hours needs our finance team to "
            "check — I'm bringing in a person now. Please have a screenshot of the charges ready.",
        )
    return None


def self_refund_text(lang: str, order_id: str | None = None) -> str:
    """The shop's rule for a double charge (FAQ ``pay-003``), with a person one tap away: a
    duplicate payment goes back by itself within 24 hours."""
    zh_order, en_order = (f"订单 {order_id} ", f" on order {order_id}") if order_id else ("", "")
    return say(
        lang,
        f"{zh_order}多扣的钱您不用担心：重复支付的款项系统会在24小时内自动原路退回，不需要您操作。"
        "如果超过24小时还没退回，点下面的“转人工客服”，财务同事帮您核实～",
        f"Don't worry about the double charge{en_order}: a duplicate payment is refunded"
        " automatically to the original payment method within 24 hours, with nothing for you"
        ' to do. If it hasn\'t come back after 24 hours, tap "Talk to an agent" and our finance'
        " team will check.",
    )


# the self-refund rule as the bot words it (``self_refund_text``, FAQ ``pay-003``)
RULE_TOLD = ("24小时内自动原路退回", "24小時內自動原路退回", "refunded automatically")


def rule_told(tracker: Tracker) -> bool:
    """The bot has told this customer the double charge's 24-hour rule (then a second report
    is for a person: ``actions.payment``)."""
    return any(
        mark in str(e.get("text") or "")
        for e in tracker.events or []
        if e.get("event") == "bot"
        for mark in RULE_TOLD
    )


def calm_double_charge(text: str) -> bool:
    """A double charge reported calmly and not as days old: the 24-hour rule answers it
    without an order number (``self_refund_text``) — for a visitor (no order to look up) and
    for a logged-in customer who names no order ("昨天付款好像扣了两次钱": which order it was
    changes nothing the customer is told, and asking first only delays the answer)."""
    plain = to_mandarin(text)
    # ("接到電話說我訂單被重複扣款 要我照他說的去操作網銀": a scam that speaks of a double charge)
    return (
        bool(DOUBLE.search(plain))
        and not pressing(text)
        and not _NO_ORDER.search(plain)
        and not reports_scam(text)
    )


async def hand_payment_to_person(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    logged_in: bool,
    told: bool = False,
) -> list[dict[str, Any]] | None:
    """The handoff events when ``person_first`` says a person takes this payment problem now
    (what the bot says first included), else None."""
    lead = person_first(text, logged_in, told)
    if lead is None:
        return None
    return await start_handoff(
        services,
        dispatcher,
        tracker,
        reason="flow_needs_human",
        priority="high",
        skill_group="aftersales",
        summary=f"支付问题 / payment problem: {text[:200]}",
        lead=lead,
    )
