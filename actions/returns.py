"""``request_return``: 7 days from delivery without a reason (七天无理由), 15 days for quality
problems; collect the reason, create the request, say what happens next."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._mood import FlowAction
from actions._orders import load_order, reset_flow_slots, the_customer
from actions._services import get_services
from actions._text import person_button, say
from actions._tracker import lang_of
from shop import (
    RETURN_DAYS_NO_REASON,
    RETURN_DAYS_QUALITY,
    REVIEW_HOURS,
    Order,
    ReturnRequest,
    check_return,
    is_quality_reason,
    local_date,
)


def _past_no_reason_window(lang: str, order: Order, days: int) -> str:
    """The 7-day no-reason window has passed: since when, and what is still possible."""
    got = local_date(order.delivered_at) if order.delivered_at else None
    when_zh = f"于 {got.month}月{got.day}日 签收" if got else "已签收"
    when_en = f"was delivered on {got.isoformat()}" if got else "was delivered"
    return say(
        lang,
        f"订单 {order.id} {when_zh}，已经 {days} 天，超过了七天无理由退货期限（签收后"
        f"{RETURN_DAYS_NO_REASON}天内）～如果商品有质量问题，签收{RETURN_DAYS_QUALITY}天内仍可申请退货："
        "点“质量问题退货”并写明具体问题就可以；也可以转人工客服帮您看看～",
        f"Order {order.id} {when_en}, {days} days ago — past the {RETURN_DAYS_NO_REASON}-day "
        f"no-reason return window. A quality problem can still be returned within "
        f'{RETURN_DAYS_QUALITY} days of delivery: tap "Return: quality problem" and describe '
        "what's wrong, or talk to an agent.",
    )


def _already_filed(lang: str, order: Order, request: ReturnRequest) -> str:
    under_review = request.status == "pending_review"
    return say(
        lang,
        f"订单 {order.id}（{order.item}）的退货申请已提交（编号 {request.id}），不用重复申请～"
        + (
            f"提交后{REVIEW_HOURS}小时内完成审核，通过后请按短信里的地址寄回商品。"
            if under_review
            else ""
        ),
        f"Order {order.id} ({order.item}) already has a return request, {request.id} — no need"
        " to file another."
        + (
            f" It is reviewed within {REVIEW_HOURS} hours of filing; once approved, send the"
            " item to the address in the text message."
            if under_review
            else ""
        ),
    )


class ActionRequestReturn(FlowAction):
    action_name = "action_request_return"
    skill_group = "aftersales"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        services = get_services()
        lang = lang_of(tracker)
        order, events = await load_order(services, dispatcher, tracker)
        if order is None:
            return events + reset_flow_slots()
        reason = str(tracker.get_slot("return_reason") or "").strip()
        quality = is_quality_reason(reason)
        check = check_return(order, quality_issue=quality)
        if check.why == "cancelled":
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"订单 {order.id} 已经取消了，不需要退货哦～如果已付款，款项会原路退回。",
                    f"Order {order.id} was cancelled, so there is nothing to return; any payment"
                    " goes back to your original method.",
                )
            )
            return events + reset_flow_slots()
        if check.why == "not_delivered":
            zh = (
                f"订单 {order.id} 还没有发货，暂时不能申请退货哦～不想要的话可以直接取消订单。"
                if not order.shipped
                else f"订单 {order.id} 还在运输中，暂时不能申请退货哦～签收后"
                f"{RETURN_DAYS_NO_REASON}天内（商品完好）可以申请七天无理由退货，到时再来找我就好。"
            )
            en = (
                f"Order {order.id} hasn't shipped yet, so there's nothing to return — you can"
                " cancel it instead."
                if not order.shipped
                else f"Order {order.id} is still on its way; once it's delivered you can return"
                f" it within {RETURN_DAYS_NO_REASON} days in its original condition, no reason"
                " needed."
            )
            dispatcher.utter_message(text=say(lang, zh, en))
            return events + reset_flow_slots()
        if not check.eligible:
            days = check.days_since_delivery
            if reason and not quality and days is not None and days <= RETURN_DAYS_QUALITY:
                dispatcher.utter_message(
                    text=_past_no_reason_window(lang, order, days),
                    buttons=[
                        {
                            "title": say(lang, "质量问题退货", "Return: quality problem"),
                            "payload": "/request_return",
                        },
                        person_button(lang),
                    ],
                )
                return events + reset_flow_slots()
            dispatcher.utter_message(
                text=say(
                    lang,
                    f"非常抱歉，订单 {order.id} 已签收 {days} 天，超过了退货期限"
                    "（七天无理由7天、质量问题15天）。如果商品有故障，可以申请售后维修，"
                    "或者我为您转人工客服看看还有什么办法～",
                    f"I'm sorry — order {order.id} was delivered {days} days ago, past the "
                    "return windows (7 days, or 15 days for quality problems). If it's faulty we "
                    "can look at a repair, or I can bring in an agent.",
                ),
                buttons=[
                    {
                        "title": say(lang, "转人工客服", "Talk to an agent"),
                        "payload": "/request_human",
                    }
                ],
            )
            return events + reset_flow_slots()
        request = await services.shop.create_return(
            the_customer(services, tracker), order.id, reason or "七天无理由", quality
        )
        if request is None:
            return events + reset_flow_slots()
        if request.existing:  # asked again ("就是不喜欢…" after it was filed): not a second one
            dispatcher.utter_message(text=_already_filed(lang, order, request))
            return events + reset_flow_slots()
        days = check.days_since_delivery
        inside = not quality and days is not None  # "the shirt is too small, can i send it back"
        dispatcher.utter_message(
            text=say(
                lang,
                f"好的，已为您提交订单 {order.id}（{order.item}）的退货申请（编号 {request.id}）"
                + (f"，签收{days}天，在{RETURN_DAYS_NO_REASON}天无理由退货期内" if inside else "")
                + f"～审核会在{REVIEW_HOURS}小时内完成，"
                "通过后请按短信里的地址寄回商品，并在订单页填写快递单号；仓库签收后退款将原路退回。"
                + ("质量问题签收后15天内都可以退，寄回运费由我们承担哦。" if quality else ""),
                f"Your return request {request.id} for order {order.id} ({order.item}) has been"
                " submitted"
                + (
                    f" — delivered {days} day(s) ago, inside the {RETURN_DAYS_NO_REASON}-day"
                    " no-reason return window"
                    if inside
                    else ""
                )
                + ". It will be reviewed within"
                f" {REVIEW_HOURS} "
                "hours; once approved, send the item to the address in the text message and enter "
                "the tracking number on the order page. We refund to your original payment method "
                "when the warehouse receives it."
                + (
                    " Quality problems can be returned within 15 days of delivery, and we cover"
                    " the return shipping."
                    if quality
                    else ""
                ),
            )
        )
        return events + reset_flow_slots()
