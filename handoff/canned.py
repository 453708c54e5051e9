"""Canned replies (快捷回复) by scenario; ``{name}`` is the customer's name, ``{agent}`` the
agent's, ``{order_id}`` the order from the packet."""

from __future__ import annotations

from typing import Any

_CANNED: list[dict[str, Any]] = [
    {
        "scenario": "greeting",
        "title_zh": "问候",
        "title_en": "Greeting",
        "replies": [
            {
                "zh": "{name}您好，我是客服{agent}，很高兴为您服务～",
                "en": "Hi {name}, I'm {agent} from customer service. How can I help?",
            },
            {
                "zh": "{name}您好，让您久等了，我已经看过您和机器人的对话，马上为您处理。",
                "en": "Hi {name}, sorry for the wait. I've read your chat and I'm on it.",
            },
        ],
    },
    {
        "scenario": "order",
        "title_zh": "订单",
        "title_en": "Orders",
        "replies": [
            {
                "zh": "{name}，我帮您查一下订单{order_id}，请稍等～",
                "en": "{name}, let me check order {order_id} for you, one moment.",
            },
            {
                "zh": "订单{order_id}已经加急处理，今天内会为您发出。",
                "en": "Order {order_id} has been expedited and will ship today.",
            },
        ],
    },
    {
        "scenario": "aftersales",
        "title_zh": "售后",
        "title_en": "After-sales",
        "replies": [
            {
                "zh": "非常抱歉给您带来不便，退换货申请我已帮您提交，审核通过后会短信通知您。",
                "en": "Sorry for the trouble. I've filed your return; "
                "you'll get an SMS once approved.",
            },
            {
                "zh": "退款会在审核通过后1-3个工作日原路退回。",
                "en": "The refund goes back to your original payment "
                "1-3 working days after approval.",
            },
        ],
    },
    {
        "scenario": "closing",
        "title_zh": "结束",
        "title_en": "Closing",
        "replies": [
            {"zh": "请问还有其他可以帮您的吗？", "en": "Is there anything else I can help with?"},
            {"zh": "感谢{name}的耐心，祝您生活愉快！", "en": "Thank you, {name}. Have a nice day!"},
        ],
    },
]


def canned_replies() -> list[dict[str, Any]]:
    return _CANNED
