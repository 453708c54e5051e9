"""``check_order_status`` and ``track_shipment``: status, carrier, tracking events, promised
delivery date. "Delivered but not received" is first told where the courier left the parcel
(the tracking's delivery event: a parcel locker, a station) or where such parcels usually are
(a locker, a station, family, the front desk), with a person one tap away; said again after
that advice, it goes to an after-sales agent who traces the parcel."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._answers import wants_spec_change
from actions._handoff import start_handoff
from actions._mood import FlowAction
from actions._orders import load_order, order_line
from actions._services import Services, get_services
from actions._text import person_button, say
from actions._tracker import lang_of, latest_text, previous_answer_text
from actions._warranty_state import asks_warranty_state, warranty_state_text
from actions.change import spec_change_reply
from kefu.mandarin import to_mandarin
from shop import Order, OrderStatus

# The doorstep found empty ("门口啥都没看见"): the report itself, and no look elsewhere.
_DOOR_EMPTY = r"门口(?:什么|啥)?(?:也|都)?没(?:有|东西|看见|看到|见着)?"
_NOT_RECEIVED = re.compile(
    r"没收到|沒收到|未收到|没有收到|沒有收到|没拿到|沒拿到|没看到|沒看到|没见到|沒見到|"
    r"not received|didn'?t (?:get|receive)|haven'?t (?:got|received)|never (?:got|arrived)|"
    r"(?:do ?n'?t|can'?t|cannot|couldn'?t) (?:see|find) (?:it|them|the (?:parcel|package|box))|"
    r"\bnothing (?:at|outside|by|in front of) (?:my|the) (?:door|doorstep|house|place|flat)\b|"
    rf"\bno (?:parcel|package|box)\b|{_DOOR_EMPTY}|"
    # "app shows my linen button-up as delivered but theres nothing here"
    r"\bthere'?s nothing (?:here|there)\b|\bnothing(?: has)? (?:here|came|arrived|turned up)\b|"
    # "says deliverd but it's not in my hallway"
    r"\b(?:it'?s|its|it is|they'?re|theyre|they are) not (?:in|at|on|by|outside) (?:my|the) "
    r"(?:hallway|hall|mailbox|letterbox|locker|porch|building|lobby|house|flat|apartment|door|"
    r"doorstep|reception|front desk|mailroom|post ?room)\b|"
    r"\b(?:says|shows|showing|marked)(?: as| it'?s| its)? deliver\w* but\b|"
    r"(?:显示|写着|说)(?:已经?)?(?:签收|送达|妥投)了?[\s，,]*(?:但|可|可是|但是)",
    re.IGNORECASE,
)
# Where a courier leaves a parcel it marks delivered, as the delivery event says it.
_LEFT_AT = re.compile(r"快递柜|快遞櫃|驿站|驛站|代收|门卫|門衛|前台|物业|物業|自提点|locker", re.I)
# Said again after the advice: it is not there either.
_STILL_MISSING = re.compile(
    r"没有|沒有|没找到|沒找到|找不到|找过|找過|不在|都没|都沒|也没|也沒|也说没|也說沒|都说没|都說沒|"
    r"not there|isn'?t there|nowhere|not in|\bstill\b|checked",
    re.IGNORECASE,
)
_TRACE = ("核实包裹去向", "trace the parcel")
# The delivered order's status line: "tell me 'not received' and I'll bring in a specialist"
_HINT = ("告诉我“没收到货”", 'tell me "not received"')
# Looked already, or asks the shop to look: "快递柜也找过了没有", "家里人也说没拿", "帮我查一下"
_LOOKED = re.compile(
    r"找过|找過|找了|看了|看過|看过|查过|查過|问过|問過|问了|問了|都没|都沒|也没|也沒|也说没|"
    r"也說沒|都说没|都說沒|帮我查|幫我查|查一下|找一下|"
    # "楼下的柜子和门口驿站都跑过了 没有我的"
    r"跑过|跑過|去过|去過|翻过|翻過|翻遍|没有我的|沒有我的|"
    r"\bchecked\b|\blooked\b|\basked\b|\bcan you (?:check|trace)\b",
    re.IGNORECASE,
)


_AT_DOOR = re.compile(_DOOR_EMPTY)


# "我邮箱没收到啊" after an invoice answer: an e-mail or a text message, not a parcel.
_NOT_A_PARCEL = re.compile(
    r"邮箱|郵箱|邮件|郵件|短信|簡訊|发票|發票|验证码|驗證碼|e-?mail|\bmail\b|invoice|\btext\b|\bsms\b",
    re.IGNORECASE,
)
_PARCEL = re.compile(
    r"签收|簽收|送达|送達|妥投|快递|快遞|包裹|货|貨|驿站|驛站|快递柜|delivered|parcel|package|courier",
    re.IGNORECASE,
)
_MONEY = re.compile(r"退款|退钱|退錢|钱|錢|到账|到賬|refund|money", re.IGNORECASE)


def parcel_missing(text: str) -> bool:
    """The customer says a parcel shown as delivered never reached them ("显示签收了可我根本
    没收到"), not that a refund has not arrived."""
    return bool(_NOT_RECEIVED.search(text) and _PARCEL.search(text) and not _MONEY.search(text))


def _when(lang: str, order: Order) -> str:
    if order.promised_delivery is None:
        return ""
    d = order.promised_delivery
    return say(lang, f"预计 {d.month}月{d.day}日 前送达。", f"Expected by {d.isoformat()}.")


def _tracking(lang: str, order: Order, limit: int = 3) -> str:
    ship = order.shipment
    if ship is None:
        return ""
    head = say(
        lang,
        f"承运快递：{ship.carrier}，运单号 {ship.tracking_no}。",
        f"Carrier: {ship.carrier}, tracking number {ship.tracking_no}.",
    )
    # the carrier's words, in the customer's script (traditional for zh-Hant)
    lines = [f"· {e.at:%m-%d %H:%M} {e.description}" for e in ship.events[:limit]]
    lines = [say(lang, line, line) for line in lines]
    return "\n".join([head, *lines])


# "单号发我一下 我自己查", "whats the tracking number": the number itself, not the whole status.
_NUMBER_ASKED = re.compile(
    r"(?:运单|快递单|物流单|(?<!订)单)号.{0,6}(?:发|给|告诉|多少|是什么|是啥)|(?:发|给|告诉)我.{0,4}(?:运单|快递单|物流单|单)号|"
    r"\b(?:tracking|waybill|shipping|sf|courier|parcel) (?:number|no\.?|#|code)\b|\bwaybill\b|"
    r"(?<!订)单号.{0,3}係咩|"
    r"(?<!订)单号.{0,2}(?:是|系)(?:咩|乜|什么|啥)",
    re.IGNORECASE,
)


def asks_tracking_number(text: str) -> bool:
    return bool(_NUMBER_ASKED.search(to_mandarin(text or "")))


def _said_last(tracker: Tracker, marks: tuple[str, ...]) -> bool:
    return any(t in to_mandarin(previous_answer_text(tracker)) for t in marks)


def _advised(tracker: Tracker) -> bool:
    """The bot's last answer said where a parcel marked delivered may be (``_where_left``)."""
    return _said_last(tracker, _TRACE)


def _hinted(tracker: Tracker) -> bool:
    """The bot's last answer was a delivered order's status, which says to tell it when the
    parcel did not come."""
    return _said_last(tracker, _HINT)


def still_missing_after_advice(tracker: Tracker) -> bool:
    """After that advice, the customer says the parcel is still not there or that they looked
    ("快递柜看了 没有 物业也说没见过"); after a delivered order's status, that it did not come
    or that they looked ("went down and checked the locker already, nothing in there")."""
    text = to_mandarin(latest_text(tracker))
    if _advised(tracker):
        return bool(
            _NOT_RECEIVED.search(text) or _STILL_MISSING.search(text) or _LOOKED.search(text)
        )
    return _hinted(tracker) and bool(_NOT_RECEIVED.search(text) or _LOOKED.search(text))


# "大概仲要等多幾日", "how many more days" right after the order's status: when it arrives.
_ARRIVAL_ASKED = re.compile(
    r"几天|几日|多少天|多久|几时到|什么时候到|啥时候到|几号到|还要等|"
    # "咁幾時會送到" (read as "那什么时候会送到"), "When should I expect them?"
    r"(?:什么时候|啥时候|几时|哪天)(?:会|能|可以)?[送寄]?到|"
    r"\bhow (?:long|many (?:more )?days|soon)\b|\bwhen will (?:it|they)\b|"
    r"\bwhen (?:should|can|could|do|will) (?:i|we) (?:expect|get|receive)\b",
    re.IGNORECASE,
)


# a place the question sends to ("那寄到新疆要几天"): the delivery times' rule, not this order
# ("那什么时候会送到" names none: nothing follows its 送到)
_SENT_TO = re.compile(
    r"[寄送发运邮](?:到|去|往)(?![\s？?！!。吗么呢呀啊]*$)|(?-i:\b(?:to|in) [A-Z])", re.IGNORECASE
)


# another thing than the parcel asked of ("退款一般几天到账" after a status: the refund's rule)
_OTHER_TOPIC = re.compile(
    r"退|款|钱|账|帐|票|费|积分|券|修|换|\b(?:refund|money|invoice|fee|cost|charge|return|repair)",
    re.IGNORECASE,
)


def asks_arrival(text: str) -> bool:
    """A short question when it arrives, naming no place and nothing else ("咁幾時會送到",
    "When should I expect them?"): after an order's status, that order's estimate."""
    plain = to_mandarin(text or "").strip()
    short = len(plain) <= 12 if re.search(r"[\u4e00-\u9fff]", plain) else len(plain.split()) <= 7
    return (
        short
        and bool(_ARRIVAL_ASKED.search(plain))
        and not _SENT_TO.search(plain)
        and not _OTHER_TOPIC.search(plain)
    )


def _arrival_after_status(tracker: Tracker, order: Order, text: str) -> bool:
    """The order's status was the answer just given, and the customer asks when it arrives:
    the estimate, not the whole status again (the same answer twice brings a person)."""
    return (
        order.status in (OrderStatus.PAID, OrderStatus.SHIPPED)
        and order.promised_delivery is not None
        and order.id in previous_answer_text(tracker)
        and bool(_ARRIVAL_ASKED.search(to_mandarin(text)))
    )


async def describe(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    order: Order,
    text: str | None = None,
) -> list[dict[str, Any]]:
    """The order's state as asked (``text``: the part of the message that asks it, when the
    message asks something else besides; the whole message otherwise)."""
    lang = lang_of(tracker)
    text = latest_text(tracker) if text is None else text
    ship = order.shipment
    if _arrival_after_status(tracker, order, text):
        latest = ship.events[0].description if ship and ship.events else ""
        where = say(lang, f"最新物流：{latest}。", f"Latest: {latest}.") if latest else ""
        dispatcher.utter_message(
            text=say(lang, f"订单 {order.id} ", f"Order {order.id}: ") + _when(lang, order) + where
        )
        return []
    if asks_warranty_state(text):
        # "20231120013 这个保修截止到哪天": until when, from its delivery — nothing filed
        dispatcher.utter_message(text=warranty_state_text(lang, order))
        return []
    if ship is not None and asks_tracking_number(text):
        dispatcher.utter_message(
            text=say(
                lang,
                f"订单 {order.id} 的运单号是 {ship.tracking_no}（{ship.carrier}），"
                "在快递公司官网或App输入单号就能查到最新物流～",
                f"The tracking number of order {order.id} is {ship.tracking_no} ({ship.carrier});"
                " you can follow it on the carrier's website or app.",
            )
        )
        return []
    advised = _advised(tracker)
    # (the doorstep found empty is the report itself, not a look elsewhere: "门口啥都没看见")
    looked = _LOOKED.search(_AT_DOOR.sub("", text))
    missing = _NOT_RECEIVED.search(text) or (
        (advised and _STILL_MISSING.search(text)) or ((advised or _hinted(tracker)) and looked)
    )
    if order.status is OrderStatus.DELIVERED and missing and not _NOT_A_PARCEL.search(text):
        if not advised and not looked:  # (looked already: "快递柜也找过了没有")
            dispatcher.utter_message(text=_where_left(lang, order), buttons=[person_button(lang)])
            return []
        dispatcher.utter_message(
            text=say(
                lang,
                f"非常抱歉给您添麻烦了！订单 {order.id} 物流显示已签收，但您没有收到，"
                "我马上为您转接售后专员核实包裹去向，请放心，一定给您一个交代～",
                f"I'm so sorry! Order {order.id} shows as delivered but you haven't received it. "
                "I'm passing you to an after-sales specialist who will trace the parcel right"
                " away.",
            )
        )
        return await start_handoff(
            services,
            dispatcher,
            tracker,
            reason="flow_needs_human",
            priority="high",
            skill_group="aftersales",
            summary=f"订单 {order.id} 物流显示已签收，客户表示未收到 / delivered but not received",
        )
    parts = [say(lang, "您好呀～帮您查到啦：", "Here's what I found:"), order_line(lang, order)]
    if order.status is OrderStatus.UNPAID:
        parts.append(
            say(
                lang,
                "订单还未付款哦，付款后仓库会尽快为您安排发货～",
                "It hasn't been paid yet; we'll ship it as soon as it's paid.",
            )
        )
    elif order.status is OrderStatus.PAID:
        parts.append(
            say(
                lang,
                "仓库正在为您打包（现货商品一般付款后24–48小时内发货），发货后会第一时间通知您～",
                "The warehouse is packing it (in-stock items ship within 24–48 hours of payment);"
                " you'll be notified once it ships.",
            )
        )
        parts.append(_when(lang, order))
    elif order.status is OrderStatus.CANCELLED:
        # "绘本套装咋没影了" → "付的钱回来了没": where the money went, before it is asked
        parts.append(
            say(
                lang,
                "如果下单时已经付款，取消后款项会原路退回：微信/支付宝1–3个工作日、"
                "银行卡3–7个工作日到账（以银行入账为准）。",
                "If it was paid, the money goes back the way you paid: WeChat Pay/Alipay "
                "within 1–3 working days, bank cards within 3–7 working days.",
            )
        )
    elif order.status is OrderStatus.SHIPPED:
        parts.append(_tracking(lang, order))
        parts.append(_when(lang, order))
    elif order.status is OrderStatus.DELIVERED:
        parts.append(_tracking(lang, order, limit=1))
        parts.append(
            say(
                lang,
                "如果显示签收但您没有收到，告诉我“没收到货”，我马上为您转售后专员～",
                'If it shows delivered but you didn\'t get it, tell me "not received" '
                "and I'll bring in an after-sales specialist.",
            )
        )
    dispatcher.utter_message(text="\n".join(p for p in parts if p))
    return []


def _where_left(lang: str, order: Order) -> str:
    """Where the courier left the parcel (the delivery event), else where to look first; a
    person traces it if it is not there."""
    ship = order.shipment
    event = ship.events[0] if ship and ship.events else None
    when = f"{event.at:%m-%d %H:%M} " if event else ""
    if event is not None and _LEFT_AT.search(event.description):
        found = say(
            lang,
            f"订单 {order.id}（{order.item}）物流显示 {when}已签收：{event.description}。"
            "请查看取件短信里的取件码，到快递柜或驿站取件～",
            f"Order {order.id} ({order.item}) shows as delivered {when}— the courier's "
            f"record: {event.description} (left in a parcel locker or pick-up station). Please "
            "check your text messages for the pick-up code.",
        )
    else:
        found = say(
            lang,
            f"订单 {order.id}（{order.item}）物流显示 {when}已签收。可以先看看快递柜、驿站，"
            "或问问家人、门卫/前台是否代收～",
            f"Order {order.id} ({order.item}) shows as delivered {when}. Couriers often leave "
            "parcels in a parcel locker, at a pick-up station, with family or at the front desk "
            "or reception — please check there first.",
        )
    return found + say(
        lang,
        "如果还是找不到，告诉我，我马上为您转售后专员核实包裹去向。",
        " If it isn't there, tell me and I'll have an after-sales specialist trace the parcel"
        " right away.",
    )


class _StatusAction(FlowAction):
    skill_group = "logistics"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        order, events = await load_order(services, dispatcher, tracker)
        if order is not None and wants_spec_change(latest_text(tracker)):
            # "大衣尺码拍错了 要L的": a change request, answered as the change flow does.
            spec_change_reply(dispatcher, lang_of(tracker), order)
        elif order is not None:
            events = await describe(services, dispatcher, tracker, order)
        return events


class ActionCheckOrderStatus(_StatusAction):
    action_name = "action_check_order_status"


class ActionTrackShipment(_StatusAction):
    action_name = "action_track_shipment"
