"""``action_ask_order_id``: which order? The customer's orders the running flow can act on are
offered first as buttons (``actions._orders.fitting_first``); a product named that several
orders hold offers those; one named that none holds is said; after one reminder the question is
never repeated word for word. An order id of another account asked for someone else ("同事托我问
下2023…") offers none of the customer's own orders: only that account can look it up. A service no
order flow performs ("付款一直提示失败 换了张卡也不行" read as a payment problem) gets the knowledge
base's rule instead of the question, and the flow ends (``actions._decide``, rule 2c)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._decide import no_flow_service
from actions._flow_turns import PAUSED, end_quietly, intent_of
from actions._follow_up import decide_in_context
from actions._kb_search import faq_text
from actions._orders import (
    asked_to_log_in,
    fitting_first,
    likely_visitor_rule,
    no_customer,
    order_buttons,
    orders_named,
    task_topic,
    the_customer,
    why_log_in,
)
from actions._reading import ORDER_ID, asks_own_state, asks_something, split_clauses
from actions._services import Services, get_services
from actions._text import say
from actions._tracker import (
    lang_of,
    latest_text,
    previous_answer_text,
    previous_customer_text,
)
from actions._two_questions import requests_flow
from kefu.mandarin import to_mandarin
from knowledge_base.api import Hit
from shop import normalise_order_id


async def _answer_visitor(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
    """An anonymous visitor's message that a flow took, when the decision step gives it to the
    knowledge base (a general question, not their own case; read with the message before it):
    its answer."""
    text = latest_text(tracker)
    if not text or text.startswith("/") or ORDER_ID.search(text):
        return
    intent = intent_of(tracker)
    asking = [c for c in split_clauses(text) if asks_something(c)]
    if asking and not any(asks_own_state(c) for c in asking):
        # a visitor's own case cannot be looked up: a rule asked of it is a question
        intent = "ask_faq"
    if hit := await _kb_answer(tracker, text, intent, lang):
        dispatcher.utter_message(text=faq_text(lang, hit.answer), faq_id=hit.faq_id)
        return
    await likely_visitor_rule(get_services(), dispatcher, text, lang)


async def _kb_answer(tracker: Tracker, text: str, intent: str, lang: str) -> Hit | None:
    """The knowledge base's answer when the decision step, reading the message in its context,
    gives it the message; else None."""
    decision = await decide_in_context(
        get_services(),
        text,
        intent,
        lang,
        previous_customer_text(tracker),
        previous_answer_text(tracker),
        task_topic(tracker, lang),
    )
    return decision.hit if decision.source == "kb" else None


async def _service_rule(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> bool:
    """The message that started the flow asks about a service no order flow performs and the
    decision step gives it to the knowledge base (rule 2c): its rule said; False otherwise."""
    text = latest_text(tracker)
    if not text or text.startswith("/") or ORDER_ID.search(text) or not no_flow_service(text):
        return False
    form = str((tracker.active_loop or {}).get("name") or "")
    if requests_flow(form, text):
        return False  # "杯子摔坏了 帮我退了吧": the return asked for in so many words goes on
    intent = intent_of(tracker)
    if (hit := await _kb_answer(tracker, text, intent, lang)) is None:
        return False
    dispatcher.utter_message(text=faq_text(lang, hit.answer), faq_id=hit.faq_id)
    return True


# What the order is wanted for, said when asking which one ("请问要修改的是哪一个订单呢？"): the
# customer sees their request was understood.
_WANTED_FOR = {
    "cancel_form": ("要取消的", " to cancel"),
    "change_form": ("要修改的", " to change"),
    "return_form": ("要退货的", " to return"),
    "repair_form": ("要报修的", " to have repaired"),
    "invoice_form": ("要开发票的", " for the invoice"),
    "payment_form": ("付款有问题的", " with the payment problem"),
    "shipment_form": ("要查物流的", " to track"),
    "order_status_form": ("要查询的", " to check"),
}


# Someone else's order asked about: "同事托我问下…", "帮我朋友问的", "checking for a friend"
_FOR_SOMEONE = re.compile(
    r"同事|朋友|家人|家里人|老婆|老公|媳妇|爱人|我妈|我爸|妈妈|爸爸|父母|亲戚|闺蜜|室友|同学|邻居|"
    r"老板|领导|别人|他人|人家的|托我|替(?:他|她|别人)|代(?:他|她|别人)|(?<!其)(?:他|她)的(?:订单|单)|"
    r"\b(?:friend|colleague|co-?worker|mum|mom|dad|mother|father|wife|husband|boss|sister|brother|"
    r"someone else|somebody else|on behalf)\b",
    re.IGNORECASE,
)
_ACCOUNT_HOLDER_ONLY = (
    "为了保护每位顾客的隐私，别人账号下的订单小蜜没法查看哦～请下单的同事或朋友用自己的账号"
    "登录后查询，或者联系他本人帮忙看一下。",
    "To protect every customer's privacy I can't look at orders in someone else's account — "
    "the person who placed it can check it by logging in to their own account.",
)


async def _someone_elses(services: Services, tracker: Tracker, customer: str) -> bool:
    """The latest message names an order id that is not in the customer's account, and the
    customer said (now or just before) that it is someone else's."""
    text = latest_text(tracker)
    ids = ORDER_ID.findall(text)
    said = f"{previous_customer_text(tracker)} {text}"
    if not ids or not _FOR_SOMEONE.search(to_mandarin(said)):
        return False
    oid = normalise_order_id(ids[-1])
    return oid is not None and await services.shop.order(customer, oid) is None


class ActionAskOrderId(Action):
    def name(self) -> str:
        return "action_ask_order_id"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        cid = the_customer(services, tracker)
        if not cid:
            # An anonymous visitor: an order number would not let the bot look (README, "Known
            # customers"), so asking for one would waste their turn — log in; and to a phone or
            # a name typed after "please log in", why that cannot do.
            if asked_to_log_in(tracker):
                why_log_in(dispatcher, lang)
            else:
                # "衣服尺寸不合 還沒剪標 可以退嗎", "and if im sending it to qinghai?": the
                # rule the knowledge base holds is answered first; their own order needs a login
                await _answer_visitor(dispatcher, tracker, lang)
                no_customer(dispatcher, lang)
            return []
        if await _someone_elses(services, tracker, cid):
            # "同事托我问下20231120002 发出来没有": not in this account, and the customer said
            # whose it is — their own orders do not help; only that account can look it up
            dispatcher.utter_message(text=say(lang, *_ACCOUNT_HOLDER_ONLY))
            return []
        orders = await services.shop.recent_orders(cid, limit=20)
        orders = fitting_first((tracker.active_loop or {}).get("name"), orders)
        if tracker.get_slot(PAUSED):
            # Asked once already and the customer spoke of something else: remind, never
            # repeat the same question word for word.
            dispatcher.utter_message(
                text=say(
                    lang,
                    "如果还要继续刚才的办理，点选订单或发我订单号就好；不需要的话直接问我别的吧～",
                    "If you'd like to carry on, tap an order or send its number — or just ask me"
                    " something else.",
                ),
                buttons=order_buttons(lang, orders) if orders else [],
            )
            return []
        if await _service_rule(dispatcher, tracker, lang):
            # "付款一直提示失败 换了张卡也不行": no order of theirs changes the rule — said, and
            # the flow ends (its final action stays silent)
            return [*end_quietly(), ActiveLoop(None)]
        named = await orders_named(services, tracker)
        if named:
            # "我的T恤…": several of the customer's orders hold that product — which one? (One
            # order only when the flow could not take it as said: the customer confirms it.)
            several = (
                "您有几个订单都是这件商品，请问是哪一个呢？点选下面的订单，或者把订单号发给我哦～",
                "You have more than one order with that product — which one is it? Tap it"
                " below or send me the order number.",
            )
            one = (
                "是下面这个订单吗？点一下就好，或者把订单号发给我哦～",
                "Is it this order? Tap it below, or send me the order number.",
            )
            dispatcher.utter_message(
                text=say(lang, *(several if len(named) > 1 else one)),
                buttons=order_buttons(lang, named[:5]),
            )
            return []
        if named is not None:
            # A product named that none of the customer's orders holds: say so, then ask.
            dispatcher.utter_message(
                text=say(
                    lang,
                    "抱歉，在您的账户里没有找到这件商品的订单呢～"
                    + (
                        "可以点选下面的订单，或者把订单号发给我哦。"
                        if orders
                        else "麻烦把订单号发给我哦。"
                    ),
                    "Sorry, I couldn't find an order for that product in your account. "
                    + (
                        "Tap one of your orders below or send me the order number."
                        if orders
                        else "Could you send me the order number?"
                    ),
                ),
                buttons=order_buttons(lang, orders) if orders else [],
            )
            return []
        if orders:
            zh, en = _WANTED_FOR.get((tracker.active_loop or {}).get("name") or "", ("", ""))
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"请问{zh}是哪一个订单呢？可以直接点选下面的订单，或者把订单号发给我哦～",
                    f"Which order is it{en}? Tap one below or send me the order number.",
                ),
                buttons=order_buttons(lang, orders),
            )
        else:
            dispatcher.utter_message(
                text=say(
                    lang,
                    "麻烦您提供一下订单号哦（可在“我的订单”中查看），我马上为您查询～",
                    'Could you send me the order number? You\'ll find it under "My orders".',
                )
            )
        return []
