"""Labels of the service report (zh and en; traditional Chinese from OpenCC via
``kefu.i18n.say``): headings, and the names people read instead of codes."""

from __future__ import annotations

from kefu.i18n import say

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("客服服务报告", "Customer service report"),
    "period": ("周期", "Period"),
    "previous": ("上期", "Previous period"),
    "this": ("本期", "This period"),
    "figure": ("指标", "Figure"),
    "conversations": ("会话量", "Conversations"),
    "containment_rate": ("机器人独立解决率", "Bot containment"),
    "handoff_rate": ("转人工率", "Handoff rate"),
    "resolution_rate": ("解决率", "Resolution rate"),
    "first_contact_resolution_rate": (
        "一次解决率（3天内未再来问同一问题）",
        "First-contact resolution (no repeat within 3 days)",
    ),
    "unanswered": (
        "机器人未能回答的问题（按相似度聚类）",
        "Questions the bot could not answer (clustered)",
    ),
    "example": ("代表问题", "Example question"),
    "wordings": ("不同问法", "Wordings"),
    "unanswered_none": (
        "本期没有记录到机器人未能回答的问题。",
        "No unanswered question was recorded in this period.",
    ),
    "unanswered_unavailable": (
        "暂时读不到未回答问题列表（Redis 不可用）。",
        "The unanswered-question list cannot be read now (Redis is unavailable).",
    ),
    "unanswered_since": (
        "未回答问题列表只保留最近 5000 条，最早一条记于",
        "The unanswered-question list keeps the newest 5,000 questions; its oldest is from",
    ),
    "complaint_rate": ("投诉率", "Complaint rate"),
    "tickets_opened": ("新建工单", "Tickets opened"),
    "tickets_overdue": ("超期工单", "Tickets overdue"),
    "followup_rate": ("回访率（已联系上客户）", "Follow-up calls reaching the customer"),
    "followup_satisfied": ("回访满意率", "Satisfied at the follow-up call"),
    "qa_average": ("质检平均分", "QA average"),
    "volume_by_hour": ("分时段会话量", "Conversations by hour"),
    "volume_by_channel": ("分渠道会话量", "Conversations by channel"),
    "handoffs_by_reason": ("转人工原因", "Handoffs by reason"),
    "first_response": ("首次响应时长（秒）与目标", "First response (s) against target"),
    "satisfaction": ("满意度", "Satisfaction"),
    "top_intents": ("热门意图", "Top intents"),
    "top_faqs": ("热门知识", "Top FAQs"),
    "group": ("技能组", "Group"),
    "agent": ("客服", "Agent"),
    "bot": ("机器人", "Bot"),
    "rated": ("评价数", "Rated"),
    "average": ("平均分", "Average"),
    "satisfied_rate": ("满意率(4-5分)", "Satisfied (4-5)"),
    "count": ("数量", "Count"),
    "target": ("目标", "Target"),
    "empty": ("本期没有已结束的会话。", "No conversation ended in this period."),
    "hour": ("时", "h"),
    "none": ("—", "—"),
    "channel.web": ("网页", "Web"),
    "channel.rest": ("API", "API"),
    "channel.wechat": ("微信", "WeChat"),
    "channel.unknown": ("未知", "Unknown"),
    "group.presale": ("售前", "Presale"),
    "group.aftersales": ("售后", "After-sales"),
    "group.logistics": ("物流", "Logistics"),
    "group.complaints": ("投诉", "Complaints"),
    "reason.explicit_request": ("客户要求转人工", "Customer asked"),
    "reason.repeated_fallback": ("多次未识别", "Repeated fallback"),
    "reason.low_confidence": ("识别置信度低", "Low confidence"),
    "reason.negative_sentiment": ("情绪负面", "Negative sentiment"),
    "reason.complaint": ("投诉", "Complaint"),
    "reason.vip": ("VIP客户", "VIP customer"),
    "reason.flow_needs_human": ("流程需人工", "Flow needs a person"),
    "reason.unknown": ("未知", "Unknown"),
    "intent.greet": ("问候", "Greeting"),
    "intent.goodbye": ("告别", "Goodbye"),
    "intent.thank": ("感谢", "Thanks"),
    "intent.affirm": ("肯定", "Yes"),
    "intent.deny": ("否定", "No"),
    "intent.bot_challenge": ("问是否机器人", "Is this a bot"),
    "intent.request_human": ("转人工", "Asks for a person"),
    "intent.check_order_status": ("查订单状态", "Order status"),
    "intent.track_shipment": ("查物流", "Track parcel"),
    "intent.cancel_order": ("取消订单", "Cancel order"),
    "intent.change_order": ("修改订单", "Change order"),
    "intent.request_return": ("退换货", "Return or exchange"),
    "intent.check_refund": ("查退款", "Refund status"),
    "intent.request_invoice": ("开发票", "Invoice"),
    "intent.payment_problem": ("支付问题", "Payment problem"),
    "intent.request_repair": ("维修保修", "Repair"),
    "intent.file_complaint": ("投诉", "Complaint"),
    "intent.check_ticket": ("查工单", "Ticket status"),
    "intent.product_inquiry": ("商品咨询", "Product question"),
    "intent.ask_faq": ("常见问题", "General question"),
    "intent.faq_pick": ("点选推荐问题", "Tapped a suggested question"),
    "intent.inform": ("提供信息", "Gives details"),
    "intent.out_of_scope": ("超出范围", "Out of scope"),
}


def text(lang: str, key: str) -> str:
    zh, en = TEXTS.get(key, (key, key))
    return say(lang, zh, en)


def label(lang: str, kind: str, code: str) -> str:
    """The name people read for a code (``group``, ``reason``, ``channel``, ``intent``); an
    unknown code (a shop's own group) is shown as it is."""
    key = f"{kind}.{code}"
    return text(lang, key) if key in TEXTS else code
