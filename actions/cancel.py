"""``cancel_order``: only before shipment and after the customer confirms; after shipment,
explain and offer a return."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._decide import decide_with_kb
from actions._kb_search import faq_text
from actions._mood import FlowAction
from actions._orders import (
    STATUS,
    customer_order,
    load_order,
    reset_flow_slots,
    status_text,
    the_customer,
)
from actions._reading import is_question
from actions._refund_channel import cancelled_money
from actions._services import get_services
from actions._text import person_button, say, yuan
from actions._tracker import lang_of, latest_text
from kefu.mandarin import to_mandarin
from shop import OrderStatus, normalise_order_id


class ActionAskCancelConfirmed(Action):
    """The cancel form's question: the refund is mentioned only for an order that was paid."""

    def name(self) -> str:
        return "action_ask_cancel_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        oid = normalise_order_id(tracker.get_slot("order_id")) or ""
        order = await customer_order(services, tracker)
        paid = order is not None and order.status is OrderStatus.PAID
        # The order's item and state first: a customer unsure whether it has shipped
        # ("大衣那单还没发货吧 我在犹豫要不要取消") decides on what the shop says of it.
        about_zh = f"（{order.item}，{STATUS[order.status][0]}）" if order else ""
        about_en = f" ({order.item}, {STATUS[order.status][1]})" if order else ""
        zh = f"确认要取消订单 {oid}{about_zh} 吗？" + (
            f"取消后已付的 {yuan(order.amount_cents)} 会原路退回哦～" if paid and order else ""
        )
        en = f"Do you want to cancel order {oid}{about_en}?" + (
            f" The {yuan(order.amount_cents)} you paid goes back to your original payment method."
            if paid and order
            else ""
        )
        dispatcher.utter_message(
            text=say(lang, zh, en),
            buttons=[
                {"title": say(lang, "确认取消", "Yes, cancel it"), "payload": "/affirm"},
                {"title": say(lang, "再想想", "No, keep it"), "payload": "/deny"},
            ],
        )
        return []


# The customer asks about the money of an order that is already cancelled
# whether it is cancelled, asked ("取消了吗", "is it cancelled?"): the line above answers it
_STATE_ASKED = re.compile(
    r"取消(?:了|成功|掉)?(?:吗|没|了没|么|嘛)|\bcancell?ed\b[^.?!]{0,10}\?|\bis it cancell?ed\b",
    re.IGNORECASE,
)
_ASKS_MONEY = re.compile(
    # "那一百五十八块去哪了": an amount asked after
    r"钱|款|退哪|退到|到账|到帐|[块元蚊][^，。,.?？]{0,4}(?:去哪|哪去|退|回来|回去)|"
    r"\b(?:refund|money|charged|paid)\b",
    re.IGNORECASE,
)


class ActionCancelOrder(FlowAction):
    action_name = "action_cancel_order"
    skill_group = "aftersales"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        order, events = await load_order(services, dispatcher, tracker)
        if order is None:
            return events + reset_flow_slots()
        if order.shipped:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 已发货，暂时无法直接取消呢～您可以在收到后申请退货，"
                    "签收7天内支持七天无理由退货，需要我帮您办理吗？",
                    f"Order {order.id} has already shipped, so it can't be cancelled now. "
                    "You can return it once it arrives (7-day no-reason returns). "
                    "Shall I help with a return?",
                ),
                buttons=[
                    {
                        "title": say(lang, "申请退货", "Request a return"),
                        "payload": "/request_return",
                    }
                ],
            )
        elif order.status is OrderStatus.CANCELLED and _ASKS_MONEY.search(
            to_mandarin(latest_text(tracker))
        ):
            # "之前取消的那套绘本 158块钱退哪去了": where a cancelled order's money goes
            dispatcher.utter_message(
                text=cancelled_money(lang, order.id), buttons=[person_button(lang)]
            )
        elif order.status is OrderStatus.CANCELLED:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 已取消（已经是取消状态啦），无需再操作～",
                    f"Order {order.id} is already cancelled — nothing more to do.",
                )
            )
            text = latest_text(tracker)
            if is_question(text) and not _STATE_ASKED.search(to_mandarin(text)):
                # "取消掉的那单童书 当时用了张券 券会还给我吗": the order is cancelled, and what
                # is asked of it (the coupon) is the knowledge base's rule
                decision = await decide_with_kb(services, text, "ask_faq", lang)
                if decision.source == "kb" and decision.hit is not None:
                    dispatcher.utter_message(
                        text=faq_text(lang, decision.hit.answer), faq_id=decision.hit.faq_id
                    )
        elif tracker.get_slot("cancel_confirmed") is True:
            cancelled = await services.shop.cancel_order(the_customer(services, tracker), order.id)
            if cancelled is None:
                dispatcher.utter_message(
                    text=say(
                        lang,
                        f"抱歉，订单 {order.id} 当前状态（{status_text(lang, order)}）无法取消。",
                        f"Sorry, order {order.id} can't be cancelled in its current state.",
                    )
                )
            elif order.status is OrderStatus.PAID:
                dispatcher.utter_message(
                    text=say(
                        lang,
                        f"订单 {order.id} 已为您取消～{yuan(order.amount_cents)} 将原路退回："
                        "微信/支付宝一般1–3个工作日到账，银行卡（含信用卡）3–7个工作日，请注意查收哦。",
                        f"Order {order.id} is cancelled. {yuan(order.amount_cents)} will go"
                        " back to your original payment method: WeChat Pay/Alipay within 1–3"
                        " working days, bank cards (credit cards too) within 3–7.",
                    )
                )
            else:
                dispatcher.utter_message(
                    text=say(
                        lang,
                        f"订单 {order.id} 已为您取消～欢迎随时再来逛逛哦。",
                        f"Order {order.id} is cancelled. Come back any time!",
                    )
                )
        else:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"好的，订单 {order.id} 为您保留，不做取消～还有什么可以帮您的吗？",
                    f"Okay, I'll keep order {order.id} as it is. Anything else I can do?",
                )
            )
        return events + reset_flow_slots()
