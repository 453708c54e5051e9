"""What the agent's customer panel says (``console/static/customer_panel.js``): its labels and
the words for the codes it shows (order, refund and ticket states, channels, languages, handoff
reasons, resolutions), in simplified Chinese and English, traditional Chinese made by OpenCC
(``kefu.i18n.three_languages``) — the same way as the rest of the console's texts
(``console.console_text``)."""

from __future__ import annotations

from functools import lru_cache

from kefu.i18n import json_block, three_languages

TEXTS: dict[str, tuple[str, str]] = {
    "cp_title": ("客户信息", "Customer"),
    "cp_anonymous": ("匿名访客（未登录）", "Anonymous visitor (not logged in)"),
    "cp_name": ("姓名", "Name"),
    "cp_phone": ("手机", "Phone"),
    "cp_lang": ("语言", "Language"),
    "cp_channel": ("渠道", "Channel"),
    "cp_orders": ("最近订单", "Recent orders"),
    "cp_past": ("历史会话", "Past conversations"),
    "cp_tickets": ("未结工单", "Open tickets"),
    "cp_none": ("无", "none"),
    "cp_more": ("更多", "More"),
    "cp_shop_down": (
        "店铺系统暂时无法访问，订单信息未加载",
        "The shop system is unavailable; orders not loaded",
    ),
    "cp_tracking": ("物流", "Tracking"),
    "cp_refund": ("退款", "Refund"),
    "cp_suggest": ("推荐回答（Alt+Shift+1…3 插入）", "Suggested answers (Alt+Shift+1…3 to insert)"),
    "cp_rating": ("评分", "Rating"),
    "cp_kb_results": ("知识库搜索结果（点击插入）", "Knowledge base results (click to insert)"),
    "cp_kb_none": ("知识库里没有找到相关内容", "Nothing found in the knowledge base"),
    "cp_kb_down": ("知识库暂时无法搜索", "The knowledge base cannot be searched right now"),
    "cp_readonly": ("只读记录", "Read-only record"),
    "unpaid": ("待付款", "Awaiting payment"),
    "paid": ("已付款待发货", "Paid, not shipped"),
    "shipped": ("已发货", "Shipped"),
    "delivered": ("已签收", "Delivered"),
    "cancelled": ("已取消", "Cancelled"),
    "processing": ("退款中", "Refund in progress"),
    "refunded": ("已退款", "Refunded"),
    "rejected": ("退款被拒", "Refund rejected"),
    "in_transit": ("运输中", "In transit"),
    "solved": ("已解决", "Solved"),
    "unsolved": ("未解决", "Not solved"),
    "ticket": ("转工单", "Became a ticket"),
    "abandoned": ("客户离开", "Customer left"),
    "unknown": ("未评价", "No answer"),
    "from_customer": ("客户", "Customer"),
    "from_bot": ("机器人", "Bot"),
    "from_agent": ("客服", "Agent"),
    "from_system": ("系统", "System"),
    "ticket_new": ("新建", "New"),
    "ticket_assigned": ("已分配", "Assigned"),
    "ticket_in_progress": ("处理中", "In progress"),
    "ticket_waiting_customer": ("等待客户", "Waiting for customer"),
    "ticket_reopened": ("已重开", "Reopened"),
    "web": ("网页", "Web"),
    "rest": ("接口", "API"),
    "wechat": ("微信", "WeChat"),
    "zh_lang": ("简体中文", "Simplified Chinese"),
    "zh-Hant_lang": ("繁體中文", "Traditional Chinese"),
    "en_lang": ("English", "English"),
    "cp_bot_only": ("机器人接待", "Bot only"),
    "explicit_request": ("客户要求转人工", "Asked for a person"),
    "repeated_fallback": ("机器人多次未理解", "Bot did not understand"),
    "low_confidence": ("机器人没把握", "Bot unsure"),
    "negative_sentiment": ("客户情绪不满", "Unhappy customer"),
    "complaint": ("投诉", "Complaint"),
    "vip": ("VIP客户", "VIP customer"),
    "flow_needs_human": ("流程需人工", "Flow needs a person"),
    "cp_vip": ("VIP等级", "VIP level"),
}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    return three_languages(TEXTS)


def catalogue_json() -> str:
    """The catalogue for a ``<script type="application/json">`` block."""
    return json_block(catalogue())
