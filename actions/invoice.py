"""``request_invoice``: type and title, then an invoice request — or a correction request
when the order already has an invoice (a wrong title)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._mood import FlowAction
from actions._orders import load_order, reset_flow_slots, the_customer
from actions._services import get_services
from actions._text import say
from actions._tracker import lang_of
from shop import OrderStatus


class ActionRequestInvoice(FlowAction):
    action_name = "action_request_invoice"
    skill_group = "aftersales"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        order, events = await load_order(services, dispatcher, tracker)
        if order is None:
            return events + reset_flow_slots()
        kind = str(tracker.get_slot("invoice_type") or "").strip()
        title = str(tracker.get_slot("invoice_title") or "").strip()
        if not kind and title:  # a correction keeps the type of the invoice it corrects
            issued = await services.shop.invoices(the_customer(services, tracker), order.id)
            kind = issued[0].invoice_type if issued else ""
        if not kind or not title:
            cancelled = order.status is OrderStatus.CANCELLED
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 已取消，无法开具发票哦～"
                    if cancelled
                    else f"订单 {order.id} 还未付款，暂时无法开具发票哦～付款完成后再来找我吧。",
                    f"Order {order.id} was cancelled, so no invoice can be issued."
                    if cancelled
                    else f"Order {order.id} hasn't been paid yet, so no invoice can be issued"
                    " until it is.",
                )
            )
            return events + reset_flow_slots()
        invoice = await services.shop.request_invoice(
            the_customer(services, tracker), order.id, kind, title
        )
        if invoice is None:
            dispatcher.utter_message(
                text=say(
                    lang,
                    "抱歉，这个订单暂时无法开票，我帮您转人工处理好吗？",
                    "Sorry, this order can't be invoiced right now. Shall I get an agent?",
                )
            )
        elif invoice.kind == "correction":
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"好的～已为订单 {order.id} 提交发票更正申请（编号 {invoice.id}），新抬头："
                    f"{invoice.title}。原发票作废后，新发票会在1-3个工作日内开具并发送到您的邮箱。",
                    f"Done — a correction request ({invoice.id}) for order {order.id} with the"
                    " title "
                    f'"{invoice.title}". The new invoice is issued within 1–3 working days.',
                )
            )
        else:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"好的～已为订单 {order.id} 申请开具{invoice.invoice_type}（编号"
                    f" {invoice.id}），"
                    f"抬头：{invoice.title}。发票会在1-3个工作日内开具并发送到您的邮箱哦。",
                    f"Done — invoice request {invoice.id} for order {order.id} "
                    f'({invoice.invoice_type}, title "{invoice.title}"). It is issued within 1–3 '
                    "working days and emailed to you.",
                )
            )
        return events + reset_flow_slots()
