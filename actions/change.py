"""``change_order``: address or phone before shipment; size or colour → explain and offer to
cancel and order again."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._answers import looks_like_address, names_spec
from actions._mood import FlowAction
from actions._orders import customer_order, load_order, reset_flow_slots, the_customer
from actions._services import get_services
from actions._text import say
from actions._tracker import lang_of
from shop import Order, OrderStatus, mask_address, mask_phone

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# What stays as it is, said after the new address ("…7栋502 电话还用原来的", "其他不用动",
# "phone stays the same"): not part of the address the parcel goes to.
_KEPT = re.compile(
    r"[\s，,；;。]+(?:电话|電話|手机号?|手機號?|号码|號碼|联系方式|聯繫方式|其他|其它|别的|別的|"
    r"phone|number|the rest)[^\n]{0,12}?(?:不变|不變|照旧|照舊|还用|還用|还是原来|還是原來|"
    r"不用[动動改]|不改|用原来|用原來|stays?|same|unchanged).*$",
    re.IGNORECASE,
)


def spec_change_reply(dispatcher: CollectingDispatcher, lang: str, order: Order) -> None:
    """A size or colour change: what the order's state allows (cancel and order again before
    shipment; a return once delivered)."""
    if order.status is OrderStatus.CANCELLED:
        dispatcher.utter_message(
            text=say(
                lang,
                f"订单 {order.id} 已经取消了，重新选好尺码/颜色下单就可以啦～",
                f"Order {order.id} was cancelled — just order again with the size or colour"
                " you want.",
            )
        )
        return
    if order.shipped:
        delivered = order.status is OrderStatus.DELIVERED
        dispatcher.utter_message(
            text=say(
                lang,
                f"订单 {order.id} 已经"
                + ("签收" if delivered else "发货")
                + "，尺码和颜色无法再修改了～"
                + ("" if delivered else "签收后")
                + "在签收7天内可以申请退货，再按需要的尺码/颜色重新下单。",
                f"Order {order.id} has already "
                + ("been delivered" if delivered else "shipped")
                + ", so its size or colour can't be changed. Within 7 days of delivery you can"
                " return it and order the size or colour you need.",
            ),
            buttons=[
                {"title": say(lang, "申请退货", "Request a return"), "payload": "/request_return"}
            ],
        )
        return
    paid = order.status is OrderStatus.PAID
    dispatcher.utter_message(
        text=say(
            lang,
            f"订单 {order.id} 还没有发货，但尺码和颜色属于商品规格，下单后系统无法直接修改呢～"
            "可以修改的是收货地址和手机号。想换尺码/颜色的话，建议先取消当前订单，再重新选择"
            "规格下单" + ("，已付款项会原路退回" if paid else "") + "。需要我帮您取消吗？",
            f"Order {order.id} hasn't shipped yet, but size and colour are part of the product"
            " and can't be changed after ordering (the address and phone number can). You can"
            " cancel it and order again with the right option"
            + (" — your payment goes back to you" if paid else "")
            + ". Shall I cancel it for you?",
        ),
        buttons=[{"title": say(lang, "取消订单", "Cancel the order"), "payload": "/cancel_order"}],
    )


class ActionAskChangeDetail(Action):
    """The change form's question. For an order not shipped yet the order and that its address
    and phone can still be changed come first ("2023112002的地址能改不 应该还没发货吧": the
    customer asked whether it can); otherwise the plain question (``utter_ask_change_detail``)."""

    def name(self) -> str:
        return "action_ask_change_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        order = await customer_order(get_services(), tracker)
        if order is None or order.shipped or order.status is OrderStatus.CANCELLED:
            dispatcher.utter_message(response="utter_ask_change_detail")
            return []
        dispatcher.utter_message(
            text=say(
                lang_of(tracker),
                f"订单 {order.id}（{order.item}）还没有发货，收货地址和手机号都可以修改～"
                "请告诉我新的收货地址或新手机号（尺码、颜色也可以告诉我，我来帮您看看）",
                f"Order {order.id} ({order.item}) hasn't shipped yet, so its delivery address and"
                " phone number can still be changed. Please send me the new address or phone"
                " number (or tell me if it's the size or colour).",
            )
        )
        return []


class ActionChangeOrder(FlowAction):
    action_name = "action_change_order"
    skill_group = "aftersales"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        order, events = await load_order(services, dispatcher, tracker)
        if order is None:
            return events + reset_flow_slots()
        detail = str(tracker.get_slot("change_detail") or "").strip()
        if names_spec(detail) and not _PHONE.search(detail):
            spec_change_reply(dispatcher, lang, order)
            return events + reset_flow_slots()
        if order.status is OrderStatus.CANCELLED:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 已经取消了，无法再修改哦～需要的话可以重新下单。",
                    f"Order {order.id} was cancelled, so it can't be changed. You're welcome"
                    " to order again.",
                )
            )
            return events + reset_flow_slots()
        if order.shipped:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"抱歉呀，订单 {order.id} 已经发货，信息无法再修改了～"
                    "如果地址有误，可以联系快递员改派，或者签收后申请退换货哦。",
                    f"Sorry, order {order.id} has already shipped, so it can't be changed. You"
                    " could ask the courier to redirect it, or return it after delivery.",
                )
            )
            return events + reset_flow_slots()
        cid = the_customer(services, tracker)
        phone = _PHONE.search(detail)
        if phone:
            changed = await services.shop.change_contact(cid, order.id, phone=phone.group(0))
            shown = mask_phone(phone.group(0))
            zh, en = f"收货手机号已修改为 {shown}", f"the phone number is now {shown}"
        elif not looks_like_address(detail):
            # Never stored as the address what is none ("大衣拍了M 想换成L…" once was).
            dispatcher.utter_message(
                text=say(
                    lang,
                    "请把完整的新收货地址（省/市/区 + 街道门牌号）或新的手机号发给我～",
                    "Please send the full new delivery address (street, number, city) or the new"
                    " phone number.",
                )
            )
            return events + reset_flow_slots()
        else:
            detail = _KEPT.sub("", detail).strip() or detail
            changed = await services.shop.change_contact(cid, order.id, address=detail)
            shown = mask_address(detail)
            zh, en = f"收货地址已修改为 {shown}", f"the delivery address is now {shown}"
        if changed is None:
            dispatcher.utter_message(
                text=say(
                    lang,
                    "抱歉，这个订单刚刚发生了变化，暂时无法修改，我帮您转人工核实一下好吗？",
                    "Sorry, this order just changed and can't be edited now. Shall I get an agent?",
                )
            )
        else:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"好的～订单 {order.id} 的{zh}，仓库会按新信息为您发货哦。",
                    f"Done — for order {order.id}, {en}. We'll ship to the new details.",
                )
            )
        return events + reset_flow_slots()
