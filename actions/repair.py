"""``request_repair``: warranty from the purchase date, the fault, a repair request; outside
the warranty, the options."""

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
from shop import OrderStatus, in_warranty, warranty_end


class ActionRequestRepair(FlowAction):
    action_name = "action_request_repair"
    skill_group = "aftersales"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        order, events = await load_order(services, dispatcher, tracker)
        if order is None:
            return events + reset_flow_slots()
        end = warranty_end(order)
        if end is None:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 的{order.item}不属于保修商品呢～如果有质量问题，"
                    "签收15天内可以申请退换货，或者我帮您转人工看看～",
                    f"{order.item} (order {order.id}) has no repair warranty. Quality problems"
                    " can be "
                    "returned within 15 days of delivery, or I can bring in an agent.",
                )
            )
            return events + reset_flow_slots()
        if order.status is not OrderStatus.DELIVERED:
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"{order.item}（订单 {order.id}）享受{order.warranty_months}个月保修，"
                    "自签收之日起计算～订单还没有签收哦，签收后如有故障再来找我申请维修～",
                    f"{order.item} (order {order.id}) comes with a {order.warranty_months}-month"
                    " warranty from delivery. It hasn't been delivered yet; come back if it's"
                    " faulty then.",
                )
            )
            return events + reset_flow_slots()
        if not in_warranty(order):
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"非常抱歉，{order.item}（订单 {order.id}）已过保修期（保修期于 "
                    f"{end.isoformat()} 到期）。您可以选择：1）付费维修，寄修前会先报价，"
                    "您确认后才维修；2）到品牌官方售后网点检测；3）转人工客服为您看看"
                    "有没有其他办法～",
                    f"I'm sorry — {order.item} (order {order.id}) is out of warranty: the "
                    f"warranty ended on {end.isoformat()}. Options: 1) a paid repair, quoted "
                    "before any work; 2) the brand's official service centre; 3) an agent can "
                    "look at other options with you.",
                ),
                buttons=[
                    {
                        "title": say(lang, "转人工客服", "Talk to an agent"),
                        "payload": "/request_human",
                    }
                ],
            )
            return events + reset_flow_slots()
        fault = str(tracker.get_slot("fault_description") or "").strip()
        repair = await services.shop.create_repair(
            the_customer(services, tracker), order.id, fault or "-"
        )
        if repair is None:
            return events + reset_flow_slots()
        if repair.existing:  # asked again: the open request, not a second one
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"{order.item}（订单 {order.id}）的维修申请已提交（编号 {repair.id}），"
                    "不用重复申请～售后同事会在24小时内联系您安排上门取件。",
                    f"{order.item} (order {order.id}) already has a repair request, "
                    f"{repair.id} — no need to file another. We'll contact you within 24 hours"
                    " of it to arrange a pick-up.",
                )
            )
            return events + reset_flow_slots()
        dispatcher.utter_message(
            text=say(
                lang,
                f"已为您提交保修维修申请（编号 {repair.id}），{order.item}在保修期内（至 "
                f"{end.isoformat()}），维修免费～售后同事会在24小时内联系您安排上门取件，"
                "寄回前请备份数据并保留好配件哦。",
                f"Your repair request {repair.id} is in. {order.item} is under warranty until "
                f"{end.isoformat()}, so the repair is free. We'll contact you within 24 hours to "
                "arrange a pick-up; please back up your data and keep the accessories.",
            )
        )
        return events + reset_flow_slots()
