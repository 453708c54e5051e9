"""What the order flows share: finding the customer's order, and describing it."""

from __future__ import annotations

import re
import time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._decide import likely_best, no_flow_service
from actions._detail_wishes import detail_flow
from actions._filed import RECORD_ID
from actions._kb_search import faq_text, likely_answer, search_kb
from actions._picks import suggestions
from actions._products import Catalogue, asked_about, matching_orders
from actions._reading import (
    MOBILE,
    asks_for_something,
    asks_own_state,
    is_general_question,
    is_question,
    split_clauses,
)
from actions._reading import ORDER_ID as _ORDER_ID
from actions._services import Services
from actions._text import person_button, say, yuan
from actions._tracker import customer_id, lang_of, last_replies, latest_text, recent_intents
from actions._two_questions import about_flow
from kefu.mandarin import to_mandarin
from knowledge_base.api import Hit, Thresholds
from shop import Order, OrderStatus, normalise_order_id

STATUS = {
    OrderStatus.UNPAID: ("待付款", "awaiting payment"),
    OrderStatus.PAID: ("已付款，待发货", "paid, waiting to be shipped"),
    OrderStatus.SHIPPED: ("已发货，运输中", "shipped, on its way"),
    OrderStatus.DELIVERED: ("已签收", "delivered"),
    OrderStatus.CANCELLED: ("已取消", "cancelled"),
}

# The form each order flow starts; a customer who switches flow mid-form is let go.
FLOW_FORMS = {
    "check_order_status": "order_status_form",
    "track_shipment": "shipment_form",
    "cancel_order": "cancel_form",
    "change_order": "change_form",
    "request_return": "return_form",
    "request_invoice": "invoice_form",
    "payment_problem": "payment_form",
    "request_repair": "repair_form",
}

FLOW_SLOTS = (
    "cancel_confirmed",
    "change_detail",
    "return_reason",
    "invoice_type",
    "invoice_title",
    "payment_detail",
    "fault_description",
    "flow_paused",  # actions._flow_turns: the flow reminded the customer once
)


def the_customer(services: Services, tracker: Tracker) -> str:
    return customer_id(tracker, services.settings.shop_default_customer_id)


def status_text(lang: str, order: Order) -> str:
    zh, en = STATUS[order.status]
    return say(lang, zh, en)


def order_line(lang: str, order: Order) -> str:
    return say(
        lang,
        f"订单 {order.id}：{order.item}（{order.spec}），{yuan(order.amount_cents)}，"
        f"{STATUS[order.status][0]}",
        f"Order {order.id}: {order.item} ({order.spec}), {yuan(order.amount_cents)}, "
        f"{STATUS[order.status][1]}",
    )


def not_found(dispatcher: CollectingDispatcher, lang: str, order_id: str | None) -> None:
    """The same words for a missing order and for someone else's."""
    dispatcher.utter_message(
        text=say(
            lang,
            f"抱歉，您的账户下没有找到订单 {order_id or ''}呢～请核对一下订单号"
            "（11位数字，例如 20231120001），或在“我的订单”里复制后发给我哦。",
            f"Sorry, I couldn't find order {order_id or ''} in your account. Could you"
            " double-check "
            "the number (11 digits, e.g. 20231120001)?",
        )
    )


LOG_IN = (
    "为了保护您的隐私，查询订单需要先登录账号哦～登录后再来找我就可以啦。",
    "To protect your privacy, please log in to your account first so I can look up orders.",
)


def no_customer(dispatcher: CollectingDispatcher, lang: str) -> None:
    dispatcher.utter_message(text=say(lang, *LOG_IN))


def why_log_in(dispatcher: CollectingDispatcher, lang: str) -> None:
    """After "please log in", to a name or phone typed in the chat, or "it's my mom's order": it
    proves nothing; why, and a person who can check who they are."""
    dispatcher.utter_message(
        text=say(
            lang,
            "理解您着急～为了保护每位顾客的隐私，订单只能在下单的账号登录后查询，"
            "聊天里报姓名或手机号没法核实身份。登录账号后我就能马上帮您查；如果登录不了，"
            "可以点下面的“转人工客服”，由同事核实身份后帮您处理。",
            "I understand — but to protect every customer's privacy I can only look up an"
            " order once the account that placed it is logged in; a name or phone number"
            " typed in the chat can't prove who you are. If you can't log in, tap \"Talk to"
            ' an agent" and a colleague will verify you and help.',
        ),
        buttons=[person_button(lang)],
    )


# "我手机号13812345678 这样能查吗", "my name is emily li": who the customer says they are
_IDENTITY = re.compile(
    rf"(?<!\d){MOBILE}(?!\d)|手机号|手機號|我叫|我的名字|\bmy (?:phone|mobile|number|name)\b|"
    r"\bmy name'?s\b",
    re.IGNORECASE,
)


def offers_identity(text: str) -> bool:
    """The message says who the customer is (a phone number, a name) — which, typed in the
    chat, proves nothing (``why_log_in``)."""
    return bool(_IDENTITY.search(text or ""))


def asked_to_log_in(tracker: Tracker) -> bool:
    """The bot's reply to the customer's message before this one asked them to log in."""
    said = {say(lang, *LOG_IN) for lang in ("zh", "zh-Hant", "en")}
    return any(str(e.get("text") or "").strip() in said for e in last_replies(tracker))


async def customer_order(
    services: Services, tracker: Tracker, order_id: Any = None
) -> Order | None:
    """The logged-in customer's order ``order_id`` (default: the ``order_id`` slot's), or None
    — quietly (``load_order`` says why there is none)."""
    oid = normalise_order_id(order_id or tracker.get_slot("order_id"))
    cid = the_customer(services, tracker)
    return await services.shop.order(cid, oid) if oid and cid else None


async def visitor_rule(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str
) -> None:
    """A visitor's own case ("refund was approved yesterday but nothing on my visa yet"): the
    shop's rule for it, when the knowledge base is sure, before why the order needs a log-in."""
    text = latest_text(tracker)
    if not text or text.startswith("/") or _ORDER_ID.search(text):
        return
    hits, thresholds = await search_kb(services, text, lang, record=False)
    if hits and thresholds and hits[0].score >= thresholds.confident:
        dispatcher.utter_message(text=faq_text(lang, hits[0].answer), faq_id=hits[0].faq_id)
        return
    await likely_visitor_rule(services, dispatcher, text, lang, hits, thresholds)


async def likely_visitor_rule(
    services: Services,
    dispatcher: CollectingDispatcher,
    text: str,
    lang: str,
    hits: list[Hit] | None = None,
    thresholds: Thresholds | None = None,
) -> None:
    """A visitor's message an order task took, with no sure answer: no order can be looked up
    without a log-in, so the rule it most likely asks, its question named (``likely_best``,
    rule 3: "订单金额到多少可以不付快递费", "can I hand the courier cash when the parcel shows
    up?"), said before why the order needs a log-in. Nothing when no FAQ is that far ahead."""
    if not text or text.startswith("/") or _ORDER_ID.search(text):
        return
    if any(asks_own_state(c) for c in split_clauses(text)):
        return  # "我的快递到哪了": their own parcel's state is no rule — please log in, alone
    if hits is None:
        hits, thresholds = await search_kb(services, text, lang, record=False)
    service = no_flow_service(text)
    if likely_best(text, hits, thresholds, service=service) or _ahead(text, hits, thresholds):
        hit = hits[0]
        dispatcher.utter_message(text=likely_answer(lang, hit, then=False), faq_id=hit.faq_id)
        return
    close = [h for h in hits or [] if thresholds and h.score >= thresholds.choose][:2]
    if len(close) == 2 and is_general_question(text):
        # "我需要開給公司的發票 上面要打統一編號 可以嗎": a general question between two rules
        # (the VAT invoice 0.71, invoices at all 0.70) — both offered, a tap answers (as the FAQ
        # action offers close questions), before why an order needs a log-in
        text, buttons = suggestions(lang, close)
        dispatcher.utter_message(text=text, buttons=buttons)


# A visitor's own case ("刚才付钱的时候页面卡死了 钱扣了 订单却没有": the outage rule at 0.58)
# is no question, but nothing else can answer it without a log-in: an FAQ at or above *choose*
# and ahead of the next by this much is its likely rule.
VISITOR_LEAD = 0.05


def _ahead(text: str, hits: list[Hit] | None, thresholds: Thresholds | None) -> bool:
    # (a question has ``likely_best``'s own test: "衣服尺码不合适要换 寄回去的邮费谁出" finds
    # how to choose a size at 0.56 beside the exchange at 0.47 — no likely answer)
    if not hits or thresholds is None or hits[0].score < thresholds.choose or is_question(text):
        return False
    second = hits[1].score if len(hits) > 1 else 0.0
    return hits[0].score - second >= VISITOR_LEAD


async def load_order(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker
) -> tuple[Order | None, list[dict[str, Any]]]:
    """The customer's order named by the ``order_id`` slot, or a polite reply and events."""
    lang = lang_of(tracker)
    cid = the_customer(services, tracker)
    if not cid:
        if not dispatcher.messages:
            await visitor_rule(services, dispatcher, tracker, lang)
        no_customer(dispatcher, lang)
        return None, [SlotSet("order_id", None)]
    raw = tracker.get_slot("order_id")
    oid = normalise_order_id(raw)
    order = await services.shop.order(cid, oid) if oid else None
    if order is None:
        not_found(dispatcher, lang, str(raw or ""))
        return None, [SlotSet("order_id", None)]
    return order, []


CATALOGUE_TTL_S = 300.0  # a product the shop starts selling is recognised within 5 minutes


async def orders_named(services: Services, tracker: Tracker) -> list[Order] | None:
    """The logged-in customer's own orders whose product the latest message names instead of
    an order id ("我买的跑步鞋到哪了"); None when it names no product, gives an order id, or
    nobody is logged in. Never another customer's orders (``actions._products``). Of several
    products named, the one the question is about ("之前买的餐具 … 又买了个加湿器 … 餐具那钱
    退了没": the tableware) picks the order."""
    text = latest_text(tracker)
    cid = the_customer(services, tracker)
    if not cid or text.startswith("/") or _ORDER_ID.search(text):
        return None
    found = matching_orders(text, await services.shop.recent_orders(cid, limit=20))
    found = asked_about(text, found, asks_for_something)
    form = (tracker.active_loop or {}).get("name")
    if len(found) > 1 and form:
        # "耳机发票开了没 还有我的鞋子到哪了" in the tracking flow: both parts ask, and the one the
        # flow takes (its words: 到哪) names the shoes; the invoice part is offered apart.
        found = asked_about(text, found, lambda clause: about_flow(str(form), clause))
    return found if found or (await catalogue(services)).names_a_product(text) else None


async def catalogue(services: Services) -> Catalogue:
    """The shop's products as the words customers name them by (``actions._products``), read
    from the shop's product names at most every ``CATALOGUE_TTL_S``."""
    cached = services.catalogue
    now = time.monotonic()
    if cached is None or now - cached[0] > CATALOGUE_TTL_S:
        cached = (now, Catalogue.of(await services.shop.product_names()))
        services.catalogue = cached
    return cached[1]


_CORRECTION = re.compile(
    r"不对|不是这|不是那|搞错|弄错|打错|写错|输错|说错|发错|我要查的是|我说的是|我问的是|我是要问|应该是|"
    # "哎呀问岔了 其实想查的是2023…"
    r"问岔|问错|查错|看错|(?:想|要)查的是|(?:其实|本来)(?:是)?(?:想|要)(?:查|问)|"
    r"wrong (?:order|number|one|id)|not that one|\bi meant\b|\bmeant to\b|\btypo\b|\bmy bad\b|"
    r"\boops\b",
    re.IGNORECASE,
)


def is_correction(text: str) -> bool:
    """The customer corrects what they said ("打错了 是…", "歹勢打錯了", "sorry wrong number, I
    meant…"), in any Chinese (read in Mainland Mandarin) — not a detail of the order they say
    is wrong ("留的手機打錯一碼", "抬头写错了": a change, ``actions._detail_wishes``)."""
    return bool(_CORRECTION.search(to_mandarin(text))) and detail_flow(text) is None


_FLOW_FORM_NAMES = frozenset(FLOW_FORMS.values())


def last_flow(tracker: Tracker) -> str | None:
    """The form (or, for a refund, the action) of the customer's last order task before the
    latest message: the task a correction continues on the order it now names. The task that
    ran is read from the events (a form activated, the refund's action run) — the NLU's intent
    for that message may have been another ("我對跑鞋寄咗未呀" read as a repair, run as its
    tracking); without such events, from the intents."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    for event in reversed(events[: users[-1]] if users else []):
        name = event.get("name")
        if event.get("event") == "active_loop" and name in _FLOW_FORM_NAMES:
            return str(name)
        if event.get("event") == "action" and name == "action_check_refund":
            return "action_check_refund"
    for seen in reversed(recent_intents(tracker)[:-1]):
        name = seen["name"]
        if name == "check_refund":
            return "action_check_refund"
        if name in FLOW_FORMS:
            return FLOW_FORMS[name]
    return None


# The shop topic of each task, as the knowledge base reads it (zh, en).
_TASK_TOPICS = {
    "repair_form": ("维修", "repair"),
    "action_request_repair": ("维修", "repair"),
    "invoice_form": ("发票", "invoice"),
    "action_request_invoice": ("发票", "invoice"),
    "return_form": ("退货", "return"),
    "action_request_return": ("退货", "return"),
    "action_check_refund": ("退款", "refund"),
    "payment_form": ("付款", "payment"),
    "action_payment_problem": ("付款", "payment"),
}


_FILING = frozenset({"action_request_repair", "action_request_return", "action_request_invoice"})
# A repair declined because the warranty ran out offered a paid repair: "咁要收幾多錢" after it
# asks what that repair costs.
_DECLINED_TOPICS = {"action_request_repair": ("保修期外 付费维修", "repair after warranty")}


def task_topic(tracker: Tracker, lang: str) -> str:
    """The topic of the order task the bot took up for the customer's message before the
    latest — a form still asking, or a request it filed ("部降噪耳機壞咗…" → repair RP… filed:
    维修) — or "": what a follow-up that names nothing ("要整幾耐", "how long does it take to get
    it") is about. A task that ended without filing anything gives none, unless it offered
    another way (a warranty that ran out: a paid repair); the customer's own words before
    weigh first either way (``actions._follow_up``)."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(users) < 2:
        return ""
    window = events[users[-2] + 1 : users[-1]]
    filed = any(
        e.get("event") == "bot" and RECORD_ID.search(str(e.get("text") or "")) for e in window
    )
    for event in reversed(window):
        name = str(event.get("name"))
        if event.get("event") not in ("action", "active_loop") or name not in _TASK_TOPICS:
            continue
        if name in _FILING and not filed:
            zh, en = _DECLINED_TOPICS.get(name, ("", ""))
            return en if str(lang).startswith("en") else zh
        zh, en = _TASK_TOPICS[name]
        return en if str(lang).startswith("en") else zh
    return ""


# The flows that only look at an order (read-only: asking them does no harm)
LOOKING_FORMS = ("shipment_form", "order_status_form")


def corrected_task(tracker: Tracker, text: str) -> str | None:
    """The one rule for corrections: a message that corrects what the customer said ("不对 我
    说的是另一单 那个手环", "sorry wrong number, I meant 2023…") continues their last order task
    (``last_flow``) on the order it now names, whatever its words sound like — unless it asks
    in words of its own where that order is or whether it shipped; None when it corrects
    nothing or there was no task."""
    if not is_correction(text):
        return None
    last = last_flow(tracker)
    for form in LOOKING_FORMS:
        # "歹勢打錯了 我是要問20231120031出貨了沒" after an invoice question: the correction asks
        # the state of the order it now names, in words of its own — that, not the task before
        if about_flow(form, text) and not (last and about_flow(last, text)):
            return form
    return last


def reset_flow_slots() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in FLOW_SLOTS]


# The orders a flow can act on, offered first when it asks which order: a return or a repair
# needs a delivered order, a cancel or a change one not shipped yet, tracking one on its way.
_FITTING = {
    "return_form": {OrderStatus.DELIVERED},
    "repair_form": {OrderStatus.DELIVERED},
    "cancel_form": {OrderStatus.UNPAID, OrderStatus.PAID},
    "change_form": {OrderStatus.UNPAID, OrderStatus.PAID},
    "shipment_form": {OrderStatus.SHIPPED, OrderStatus.DELIVERED},
    "payment_form": {OrderStatus.UNPAID, OrderStatus.PAID},
}


def fitting_first(form: str | None, orders: list[Order], limit: int = 5) -> list[Order]:
    """``orders`` (newest first) with those ``form`` can act on first, at most ``limit``: "我要
    申请退货" offers the delivered dress, not five orders still on their way; "帮我报修" the
    delivered items under warranty first."""
    fits = _FITTING.get(form or "", set())
    # a repair needs a warranty too: the earbuds under warranty before the jeans
    warranty = form == "repair_form"
    return sorted(
        orders, key=lambda o: (o.status not in fits, warranty and o.warranty_months <= 0)
    )[:limit]


def the_named_order(named: list[Order]) -> str | None:
    """The order id a flow started by a ``FollowupAction`` should run on: the one order of the
    product named, else None (the flow then asks which, offering those named). Set before the
    flow starts, because Rasa validates nothing of a form started that way."""
    return named[0].id if len(named) == 1 else None


def order_buttons(lang: str, orders: list[Order]) -> list[dict[str, str]]:
    return [
        {
            "title": say(
                lang,
                f"{o.id} {o.item}（{status_text('zh', o)}）",
                f"{o.id} {o.item} ({status_text(lang, o)})",
            ),
            "payload": f'/inform{{"order_id":"{o.id}"}}',
        }
        for o in orders
    ]
