"""A message no rule placed that names an order id or a product of the customer's own orders:
which order task it runs (``order_followup``, ``product_followup``). Called by the fallback
(``actions.fallback``) before a miss is a miss."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions._decide import no_flow_service, own_order_intent, rule_for_named_order
from actions._detail_wishes import detail_flow, wished_instead
from actions._follow_up_text import is_elliptical
from actions._item_wishes import wants_exchange, wrong_item_sent
from actions._orders import (
    FLOW_FORMS,
    LOOKING_FORMS,
    corrected_task,
    last_flow,
    orders_named,
    the_named_order,
)
from actions._reading import ORDER_ID as _ORDER_ID
from actions._reading import is_long
from actions._services import get_services
from actions._tracker import latest_text
from actions._two_questions import Part, about_flow, asks_of_its_own, words_flow
from actions.order_status import asks_arrival, asks_tracking_number, still_missing_after_advice
from kefu.mandarin import to_mandarin
from shop import is_quality_reason

__all__ = [
    "order_detail_followup",
    "order_followup",
    "own_part_flow",
    "own_window_flow",
    "product_followup",
]

# Read in Mainland Mandarin (kefu.mandarin): Cantonese "幾時到", "到咗" are "什么时候到", "到了".
# "any movement on the earbuds since they left your warehouse?": where the parcel is
# "雾蓝那个杯子怎么还在路上", "而家喺邊度呀" (现在在哪里): where it is now
_TRACKING = re.compile(
    r"到哪|在哪|哪里了|在路上|物流|快递|签收|收到|到了|什么时候到|几时到|where|track|deliver|arriv|"
    r"\bmov(?:e|ed|ing|ement)\b|\b(?:left|leave|leaving) (?:your|the) (?:warehouse|depot)\b",
    re.I,
)


FALLBACK_GUESS = 0.3  # the NLU's best flow below its fallback threshold, still worth following
WORDS_FLOOR = 0.1  # a flow the customer's own words name is worth following from here
# The order tasks a message naming a product may run: the flows, and the refund's state.
PRODUCT_FLOWS = {**FLOW_FORMS, "check_refund": "action_check_refund"}


def _named_flow(text: str, ranking: list[dict[str, Any]]) -> str | None:
    """Of the NLU's candidate order tasks (at least ``WORDS_FLOOR``), the likeliest one the
    customer's own words name ("发票", "cancel", "钱…退了没"), else None."""
    return next(
        (
            PRODUCT_FLOWS[str(item["name"])]
            for item in ranking
            if item.get("name") in PRODUCT_FLOWS
            and float(item.get("confidence") or 0.0) >= WORDS_FLOOR
            and about_flow(PRODUCT_FLOWS[str(item["name"])], text)
        ),
        None,
    )


def _guessed_flow(tracker: Tracker) -> str | None:
    """The flow the NLU ranks most likely for a message naming an order id when it fell back
    or read it as something else ("跑步鞋还没到 能先申请退货吗 20231120003": a return at 0.49;
    "那单2023…发票抬头开错了": an invoice at 0.28 behind "inform", which its words name), if it
    is not a wild guess (``actions._decide.own_order_intent``; without one the order's own
    case is looked up)."""
    text = latest_text(tracker)
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    if _ORDER_ID.search(text) and (named := _named_flow(text, ranking)):
        return named
    flow = own_order_intent(text, ranking, FLOW_FORMS, FALLBACK_GUESS)
    return FLOW_FORMS[flow] if flow else None


def order_followup(tracker: Tracker) -> list[dict[str, Any]] | None:
    """A message naming an order id that no rule placed runs the flow the NLU ranked first for
    it, if that is a flow; else the task its own words name ("要改寄到…"); else ("不对，是
    20231120004那单" after a flow) the customer's last flow again on the order now named;
    without one, a quality problem with the item starts its return, else the order's own case
    is looked up (its delivery when the message asks where it is, else its status)."""
    text = latest_text(tracker)
    if not _ORDER_ID.search(text):
        return None
    # "不对不对 我要查的是跑步鞋那单 2023…": a correction names the order for the last flow
    if corrected := corrected_task(tracker, text):
        return [FollowupAction(corrected)]
    if rule_for_named_order(text) and words_flow(text) in (None, *LOOKING_FORMS):
        # "20231120003 昨天看同款便宜了三十 等签收了能补差价吗" (the NLU's payment problem at
        # 0.30): price protection's rule answers it (rule 2c), not a flow on the order
        return None
    guessed = _guessed_flow(tracker)
    if wished := wished_instead(guessed, text):
        # "訂單2023… 留的手機打錯一碼 可以幫我更正嗎", "2023… 开的那张票 公司名字写错了": a
        # detail of the order said wrong — its change (the invoice's: its reissue), not the
        # order's status, nor a return the NLU half guessed
        return [FollowupAction(wished)]
    if guessed is not None:
        return [FollowupAction(guessed)]
    if (acting := words_flow(text)) is not None and acting not in LOOKING_FORMS:
        # "訂單 20231120031 要改寄到公司 台北市…" (read as "here is my order id"): the task its
        # words name, not the order's status — nor the task before, on another order
        return [FollowupAction(acting)]
    if previous := last_flow(tracker):
        return [FollowupAction(previous)]
    if is_quality_reason(text):
        # "牛仔裤才穿一次就开线了，2023…，这质量也太差了": a quality problem with the item is a
        # return for quality (15 days from delivery; the return flow says what is still
        # possible after that, a repair under warranty included), not the order's status.
        return [FollowupAction("return_form")]
    tracking = _TRACKING.search(to_mandarin(text))
    return [FollowupAction("shipment_form" if tracking else "order_status_form")]


def order_detail_followup(tracker: Tracker) -> list[dict[str, Any]] | None:
    """Right after the status or the tracking of an order, a message the NLU could not place
    that asks for its tracking number ("單號畀我吖") or — after the advice on where a parcel
    marked delivered may be — says it is still not there ("快递柜看了 没有 物业也说没见过"):
    that order's status again (the slot still names it), which answers both; not a miss."""
    text = latest_text(tracker)
    if _ORDER_ID.search(text) or is_long(text):
        return None
    if last_flow(tracker) not in ("order_status_form", "shipment_form"):
        return None
    if asks_tracking_number(text) or still_missing_after_advice(tracker):
        return [FollowupAction("order_status_form")]
    if asks_arrival(text):
        # "咁幾時會送到" right after the order's status: its estimate (``describe``)
        return [FollowupAction("order_status_form")]
    if _MONEY_BACK.search(to_mandarin(text)):
        # "那付的158呢 原路回去了没" after a cancelled order's status: that order's money —
        # the refund's state, on the order the slot still names
        return [FollowupAction("action_check_refund")]
    return None


# The money paid, asked back: "付的158呢 原路回去了没", "钱退回来没", "did the money go back"
_MONEY_BACK = re.compile(
    r"原路|^那?(?:钱|款|退款)呢|(?:钱|款|付的|[¥￥]\s*\d|\d+(?:\s*(?:块|元))?)[^。？?！!]{0,12}"
    r"(?:回去|回来|回到|退回|退了|退没|到账|到帐|返还|退到|打回)|"
    r"\bmoney\b.{0,30}\bback\b|\brefund",
    re.I,
)


# "倉庫那邊排到了沒 什麼時候寄": when it leaves the warehouse
_STATUS = re.compile(
    r"发货|寄出|寄了没|(?:什么时候|啥时候|几时|何时|哪天|多久)(?:能|会|可以|才)?[寄发]|排到|出库|仓库|"
    # "我對跑鞋上咗路未" (on its way yet?)
    r"上路|上了路|"
    r"\bship|\bstatus\b|\bupdate\b|\bnews\b",
    re.I,
)


# Asked where the product is or when it moves: "到哪了", "还在路上", "什么时候寄", "排到了没"
_ASKS_WHERE_WHEN = re.compile(
    r"到哪|在哪|哪里了|还在路上|(?:什么时候|啥时候|几时|何时|哪天)(?:能|会|可以|才)?[寄发到送]|"
    r"(?:排到|发货?|寄|寄出|出库|上路)了?[没吗么未]|上了路[没吗么未]|\bwhere (?:is|are)\b|"
    r"\bwhen (?:will|does|is)\b.{0,30}\b(?:ship|arriv|come|deliver)",
    re.I,
)


async def product_followup(tracker: Tracker) -> list[dict[str, Any]] | None:
    """A message the NLU could not place that names a product of the customer's own orders
    ("hey where are my earbuds??") runs the flow the NLU ranked likeliest for it, or — when it
    asks where the product is or whether it shipped — its tracking or status; the form then
    finds the order by that product (``actions._products``)."""
    text = latest_text(tracker)
    previous = corrected_task(tracker, text) or (
        last_flow(tracker) if is_elliptical(text) else None
    )
    if previous and (named := await orders_named(get_services(), tracker)):
        # "不对 我说的是另一单 那个手环", "餐具那个呢": the last task again, on the order of the
        # product now named — the order id of the one before is replaced by that order's (or
        # forgotten when several hold the product, so the flow asks which).
        return [SlotSet("order_id", the_named_order(named)), FollowupAction(previous)]
    if no_flow_service(text) and words_flow(text) in (None, "return_form", "action_check_refund"):
        # "…便宜了二十 差价能退吗": price protection, no return (rule 2c) — but "pls cancel my
        # earbuds order, found them cheaper somewhere else" is a cancel
        return None
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    likely = [
        PRODUCT_FLOWS[str(item["name"])]
        for item in ranking
        if item.get("name") in PRODUCT_FLOWS
        and float(item.get("confidence") or 0.0) >= FALLBACK_GUESS
    ]
    # Of the NLU's candidate flows, the one the customer's words name: "pls cancel my earbuds
    # order" is a cancel, though the NLU ranked a repair (0.40) a hair above it (0.39); "…餐具
    # 那钱到底退了没" asks for the refund (0.11) though a status (0.45) was likelier. A flow
    # the words name needs only ``WORDS_FLOOR``; else the likeliest flow is run.
    guessed = _named_flow(text, ranking) or (likely[0] if likely else None)
    named_by_words = (detail_flow(text) or words_flow(text)) if not is_long(text) else None
    if guessed and named_by_words and guessed != named_by_words and not about_flow(guessed, text):
        # "我對跑鞋寄咗未呀" (sent yet?): a repair at 0.39 whose words are nowhere in the
        # message, which names the order's status ("寄了没") — the flow the words name.
        guessed = named_by_words
    plain = to_mandarin(text)
    if (
        guessed not in (None, *LOOKING_FORMS)
        and not about_flow(str(guessed), text)
        and _ASKS_WHERE_WHEN.search(plain)
    ):
        # "上次刷卡買的那個500ml燜燒的 倉庫那邊排到了沒 什麼時候寄": a payment problem (0.49)
        # whose words are nowhere in the message (刷卡 is how it was paid), which asks when
        # the product ships — its status, as for no flow guessed
        guessed = None
    if guessed is None and not (_TRACKING.search(plain) or _STATUS.search(plain)):
        # "牛仔裤穿着不好看 还能退吗": the NLU placed no flow, the words name one (退), and the
        # product is theirs — the flow its words name. Not a long story around a general
        # question ("…买了好多东西 有衣服有鞋子…那个退货的运费到底是谁出啊"): the decision
        # step reads it by its question.
        guessed = words_flow(text) if not is_long(text) else None
        if guessed is None and is_quality_reason(text):
            # "那件燕麦色的羊绒衫洗了一水 缩得跟童装似的": a fault of their own item, said
            # without asking — its return for quality (the flow says what is still possible)
            guessed = "return_form"
        if guessed is None:
            return None
    if guessed == "return_form" and wants_exchange(text):
        return None  # "can i swap the shirt for an L": the exchange rule answers, no return
    if wrong_item_sent(text):
        return None  # "连衣裙发错了 收到个黑色M": the wrong-item rule, not the dress's status
    if not await orders_named(get_services(), tracker):
        return None
    if guessed is None:
        guessed = "shipment_form" if _TRACKING.search(plain) else "order_status_form"
    return [FollowupAction(guessed)]


# A question about a window — the return's, the warranty's: "还能七天无理由不", "还在保修期内吗",
# "can i still return it" (read in Mainland Mandarin: 保固 / 保養 are 保修).
_RETURN_WINDOW = re.compile(
    r"[7七]天无理由|无理由退|还能退|还可以退|能不能退|可不可以退|还退得了|过了.{0,3}天.{0,6}退|"
    r"\bstill return\b|\bstill (?:send|take) (?:it|them) back\b|\breturn window\b",
    re.IGNORECASE,
)
_WARRANTY_WINDOW = re.compile(
    r"保修期内|还在保|过保|保修期.{0,2}过|保修.{0,3}(?:到什么时候|到几时|还有吗|还有没有)|"
    r"\b(?:still )?(?:under|in) warranty\b|\bwarranty (?:still|expired|over|run out)\b",
    re.IGNORECASE,
)


async def own_window_flow(tracker: Tracker) -> str | None:
    """A return or warranty window asked of a product of the logged-in customer's own orders
    ("牛仔裤不想要了 还能七天无理由不", "降噪耳机还在保修期内吗"): the flow that answers from that
    order's dates (the return's days since delivery, the warranty's end), not the general
    rule — which says "支持，7天内" to someone ten days past it. Else None."""
    text = latest_text(tracker)
    plain = to_mandarin(text)
    if is_long(text) or _ORDER_ID.search(text):
        return None  # a story is read by its question; an order id has its own rule
    if no_flow_service(text):
        return None  # "…便宜了二十 差价能退吗": price protection, no return (rule 2c)
    if _WARRANTY_WINDOW.search(plain):
        form = "repair_form"
    elif _RETURN_WINDOW.search(plain):
        form = "return_form"
    else:
        return None
    return form if await orders_named(get_services(), tracker) else None


async def own_part_flow(tracker: Tracker, parts: list[Part]) -> str | None:
    """Of a message of several questions, some answered by the knowledge base: the flow of the
    one other part when it names a task in its own words and an order id, or the message names
    a product of the customer's own orders ("手环发货了没 顺便问下保修多久" → the bracelet's
    status); the flow
    then answers the answered parts too (``actions._flow_start``). Else None."""
    if not any(p.hit is not None for p in parts):
        return None
    rest = [p for p in parts if p.hit is None and asks_of_its_own(p)]
    if len(rest) != 1 or (form := words_flow(rest[0].text)) is None:
        return None
    if _ORDER_ID.search(rest[0].text):
        return form  # "20231120005啥时候能送到 另外想问 生日劵怎么领": that order's flow
    return form if await orders_named(get_services(), tracker) else None
