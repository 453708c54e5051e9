"""``request_invoice``: type and title, then an invoice request — or a correction request
when the order already has an invoice (a wrong title). Started by a question about the state
of the order's invoice ("耳机那单发票开出来了没"), it answers that state from the shop's data:
issued (and where to get it), requested and not issued yet (and when), or none requested."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._flow_turns import asks_invoice_state
from actions._mood import FlowAction
from actions._orders import load_order, reset_flow_slots, the_customer
from actions._services import get_services
from actions._text import say
from actions._tracker import lang_of
from shop import Invoice, Order, OrderStatus

PERSONAL_TITLE = "个人"  # the title ``actions._answers.read_invoice_title`` reads as personal


def ordinary_invoice(lang: str) -> str:
    """The electronic ordinary invoice, named as the form's buttons name it in ``lang``."""
    return say(lang, "电子普通发票", "Electronic standard invoice")


def is_special(invoice_type: str) -> bool:
    return "专用" in invoice_type or "专票" in invoice_type or "special" in invoice_type.lower()


def the_corrected(invoices: list[Invoice]) -> Invoice:
    """The invoice a correction replaces: the newest issued one, else the newest."""
    issued = [i for i in invoices if i.status == "issued"]
    return max(issued or invoices, key=lambda i: i.created_at)


def reissue_rules(lang: str, order: Order, invoices: list[Invoice]) -> str:
    """Said before the new title of a correction is asked (FAQ inv-002): the order's invoice
    as it is, and how it is reissued — an e-invoice once per order, within 1 working day (or
    by the customer in the order details), a special VAT invoice once the original is back."""
    current = the_corrected(invoices)
    state_zh, state_en = (
        ("已开具", "has been issued")
        if current.status == "issued"
        else ("已申请（还没有开出）", "has been requested (not issued yet)")
    )
    head = say(
        lang,
        f"订单 {order.id}（{order.item}）的发票{state_zh}：{current.invoice_type}，抬头"
        f"“{current.title}”。",
        f"The invoice for order {order.id} ({order.item}) {state_en}: {current.invoice_type}, "
        f'title "{current.title}". ',
    )
    if is_special(current.invoice_type):
        return head + say(
            lang,
            "抬头有误可以换开（每个订单可换开一次）：专票需要先把原票寄回，我们收到后重新开具。",
            "A wrong title can be corrected once per order: a special VAT invoice is reissued "
            "once the original has been sent back to us.",
        )
    return head + say(
        lang,
        "抬头有误可以换开（每个订单可换开一次），新发票1个工作日内重新开具；您也可以在订单详情点"
        "「换开发票」自己修改。",
        "A wrong title can be corrected once per order and the new invoice is issued within 1 "
        'working day; you can also do it yourself with "Reissue invoice" in the order details.',
    )


def invoice_timing(lang: str, order: Order, invoices: list[Invoice], invoice_type: str) -> str:
    """When the invoice asked for will be ready ("多久能开好"), as the shop's rules say (FAQ
    inv-002/003/004): a reissue within 1 working day (a special one once the original is back),
    an e-invoice 1–3 working days after the order is received, a special VAT invoice (paper)
    mailed within 5 working days of the company's verification; both kinds while the customer
    has not chosen yet."""
    if invoices:
        if is_special(the_corrected(invoices).invoice_type):
            return say(
                lang,
                "专票换开需要先把原票寄回，我们收到后重新开具。",
                "A special VAT invoice is reissued once the original has been sent back to us.",
            )
        return say(
            lang,
            "换开的电子发票会在1个工作日内重新开具，并发送到您的邮箱。",
            "A reissued e-invoice is issued within 1 working day and emailed to you.",
        )
    received = order.status is OrderStatus.DELIVERED
    ordinary = say(
        lang,
        "电子普通发票"
        + ("在1-3个工作日内开具" if received else "在确认收货后1-3个工作日内开具")
        + "，并发送到您的邮箱",
        "An electronic standard invoice is issued within 1–3 working days"
        + ("" if received else " of your confirming receipt")
        + " and emailed to you",
    )
    special = say(
        lang,
        "增值税专用发票为纸质，需提供公司名称、税号、注册地址电话、开户行及账号并完成企业资质审核，"
        "审核通过后5个工作日内寄出",
        "a VAT special invoice is on paper: it needs the company name, tax number, registered "
        "address and phone, bank and account number and a business verification, and is mailed "
        "within 5 working days of approval",
    )
    if not invoice_type:
        return ordinary + say(lang, "；", "; ") + special + say(lang, "。", ".")
    if is_special(invoice_type):
        return say(lang, special + "。", special[0].upper() + special[1:] + ".")
    return ordinary + say(lang, "。", ".")


def invoice_state(lang: str, order: Order, invoices: list[Invoice]) -> dict[str, Any]:
    """The reply on the state of ``order``'s invoice (its newest request), as message kwargs."""
    latest = max(invoices, key=lambda i: i.created_at) if invoices else None
    if latest is not None and latest.status == "issued":
        return {
            "text": say(
                lang,
                f"订单 {order.id}（{order.item}）的发票已开具：{latest.invoice_type}，抬头"
                f"“{latest.title}”。可在订单详情「查看发票」下载PDF，也已发送到您预留的邮箱～",
                f"The invoice for order {order.id} ({order.item}) has been issued: "
                f'{latest.invoice_type}, title "{latest.title}". Download the PDF from "View '
                'invoice" in the order details; it was also emailed to you.',
            )
        }
    if latest is not None:
        return {
            "text": say(
                lang,
                f"订单 {order.id} 的发票已申请（编号 {latest.id}，{latest.invoice_type}，抬头"
                f"“{latest.title}”），还没有开出，会在1-3个工作日内开具并发送到您的邮箱哦～",
                f"The invoice for order {order.id} was requested ({latest.id}, "
                f'{latest.invoice_type}, title "{latest.title}") and is not issued yet; it is '
                "issued within 1–3 working days and emailed to you.",
            )
        }
    if order.status in (OrderStatus.UNPAID, OrderStatus.CANCELLED):
        cancelled = order.status is OrderStatus.CANCELLED
        return {
            "text": say(
                lang,
                f"订单 {order.id} 还没有开发票："
                + (
                    "订单已取消，无法开具哦～"
                    if cancelled
                    else "订单还未付款，付款后才能申请开票哦～"
                ),
                f"Order {order.id} has no invoice: "
                + (
                    "it was cancelled, so none can be issued."
                    if cancelled
                    else "it hasn't been paid yet; an invoice can be requested once it is."
                ),
            )
        }
    return {
        "text": say(
            lang,
            f"订单 {order.id}（{order.item}）还没有申请过发票哦～需要的话点下面的按钮，"
            "告诉我发票类型和抬头，我马上为您申请。",
            f"No invoice has been requested for order {order.id} ({order.item}) yet. Tap below"
            " and tell me the type and title, and I'll request it for you.",
        ),
        "buttons": [
            {
                "title": say(lang, "申请开发票", "Request an invoice"),
                "payload": f'/request_invoice{{"order_id":"{order.id}"}}',
            }
        ],
    }


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
        if asks_invoice_state(tracker):
            issued = await services.shop.invoices(the_customer(services, tracker), order.id)
            dispatcher.utter_message(**invoice_state(lang, order, issued))
            return events + reset_flow_slots()
        kind = str(tracker.get_slot("invoice_type") or "").strip()
        title = str(tracker.get_slot("invoice_title") or "").strip()
        issued = await services.shop.invoices(the_customer(services, tracker), order.id)
        if not kind and title and issued:  # a correction keeps the type of the invoice
            kind = the_corrected(issued).invoice_type
        elif title == PERSONAL_TITLE and not issued:  # a personal title: an ordinary e-invoice
            kind = ordinary_invoice(lang)
        if not kind or not title:
            # The form ended without a type or title (the customer moved on, or the order
            # cannot be invoiced): say what is true of this order's invoice now.
            dispatcher.utter_message(**invoice_state(lang, order, issued))
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
        elif invoice.kind == "correction" and is_special(invoice.invoice_type):
            # The shop's rule (FAQ inv-002): a special VAT invoice is reissued once the
            # original is back.
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"好的～已为订单 {order.id} 提交专票换开申请（编号 {invoice.id}），新抬头："
                    f"{invoice.title}。专票需要先把原票寄回，我们收到后重新开具。",
                    f"Done — a reissue request ({invoice.id}) for order {order.id} with the title"
                    f' "{invoice.title}". A special VAT invoice is reissued once the original'
                    " has been sent back to us.",
                )
            )
        elif invoice.kind == "correction":
            # An e-invoice is reissued within one working day (FAQ inv-002).
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"好的～已为订单 {order.id} 提交发票换开申请（编号 {invoice.id}），新抬头："
                    f"{invoice.title}。原发票作废，新发票会在1个工作日内重新开具并发送到您的邮箱。",
                    f"Done — a reissue request ({invoice.id}) for order {order.id} with the title"
                    f' "{invoice.title}". The old invoice is voided and the new one is issued'
                    " within 1 working day and emailed to you.",
                )
            )
        else:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"好的～已为订单 {order.id} 申请开具{invoice.invoice_type}（编号"
                    f" {invoice.id}），抬头：{invoice.title}。",
                    f"Done — invoice request {invoice.id} for order {order.id} "
                    f'({invoice.invoice_type}, title "{invoice.title}"). ',
                )
                # when it is ready, as true of this order and this kind (not "1-3 days" for
                # a paper special invoice, nor before the order is received)
                + invoice_timing(lang, order, [], invoice.invoice_type)
            )
        return events + reset_flow_slots()
