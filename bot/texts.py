"""What the gateway itself says to customers: each text written once in simplified Chinese and
in English; traditional Chinese is derived with OpenCC, as the actions' replies are."""

from __future__ import annotations

from typing import Any

from kefu.i18n import say as i18n_say

WELCOME = (
    "您好，欢迎关注！我是智能客服，可以帮您查订单、查物流、退换货、开发票等。直接发消息给我吧～"
    "需要人工客服请回复“转人工”。",
    "Hello and welcome! I'm the shop's assistant: orders, parcels, returns, invoices and more. "
    'Just send me a message — reply "human" to talk to an agent.',
)
BUSY = (
    "系统繁忙，请您稍后再试～您的消息我们已经收到并记录了，给您带来不便非常抱歉！",
    "Sorry, our system is busy right now. We have received your message — "
    "please try again in a moment.",
)
WAITING = (
    "已为您转接人工客服，请稍候～客服接入后会第一时间回复您。",
    "You are in the queue for a human agent; they will reply as soon as they join.",
)
UNSUPPORTED = (
    "暂不支持该类型消息，请发送文字描述您的问题～",
    "Sorry, this type of message is not supported yet. Please describe your question in text.",
)
IMAGE_RECEIVED = (
    "已收到您的图片。机器人暂时看不懂图片，请用文字描述问题；如需人工查看，请回复“转人工”。",
    "Got your picture. I can't read pictures yet — please describe the problem in words, "
    'or reply "human" for an agent.',
)
LOCATION_RECEIVED = (
    "已收到您的位置：{label}。",
    "Got your location: {label}.",
)
VOICE_UNRECOGNISED = (
    "抱歉，没有听清您的语音，请再说一遍或发送文字～",
    "Sorry, I couldn't make out your voice message. Please try again or type it.",
)
QUEUE = (
    "您前面还有 {position} 位，预计 {minutes} 分钟",
    "{position} ahead of you, about {minutes} min",
)
AGENT_JOINED = (
    "客服 {name} 为您服务",
    "{name} is now helping you",
)
HANDED_BACK = (
    "已为您转回智能客服，有问题随时问我～",
    "You are back with the assistant; ask me anything.",
)
CLOSED = (
    "本次服务已结束，感谢您的咨询！",
    "This chat has ended. Thank you!",
)
CSAT_QUESTION = (
    "请为本次服务打分：回复 1-5（5 分最满意），也可以在分数后写下您的意见。",
    "Please rate this chat: reply 1-5 (5 = very satisfied), optionally followed by a comment.",
)
WECHAT_UNBOUND = (
    "已为您解除微信与店铺账号的绑定。之后查询订单需要重新绑定账号哦～",
    "Your WeChat is no longer linked to your shop account. Link it again to look up orders.",
)
WECHAT_NOT_BOUND = (
    "您的微信还没有绑定店铺账号，无需解除～",
    "Your WeChat isn't linked to a shop account, so there is nothing to unlink.",
)
WECHAT_UNBIND_FAILED = (
    "抱歉，暂时无法解除绑定，请稍后再试～",
    "Sorry, I can't unlink your account right now. Please try again later.",
)
CSAT_THANKS = (
    "感谢您的评价！",
    "Thank you for your feedback!",
)
CSAT_REFUSED = (
    "这次对话已经评价过了，感谢您！",
    "This chat has been rated already. Thank you!",
)
TICKET = (
    "您的留言已收到，我们会尽快处理并回复您。",
    "We have your message and will get back to you soon.",
)


def say(lang: str | None, text: tuple[str, str], **values: Any) -> str:
    """``text`` = (simplified Chinese, English) in the customer's language; traditional
    Chinese is derived from the simplified with OpenCC (``kefu.i18n.say``)."""
    chosen = i18n_say(lang, *text)
    return chosen.format(**values) if values else chosen


def queue_text(lang: str | None, position: int, eta_seconds: float | int | None) -> str:
    minutes = max(1, round((eta_seconds or 0) / 60))
    return say(lang, QUEUE, position=position, minutes=minutes)
