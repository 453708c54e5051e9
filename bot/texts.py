"""What the gateway itself says to customers, in simplified Chinese, traditional and English."""

from __future__ import annotations

from typing import Any

from kefu.i18n import pick

WELCOME = (
    "您好，欢迎关注！我是智能客服，可以帮您查订单、查物流、退换货、开发票等。直接发消息给我吧～"
    "需要人工客服请回复“转人工”。",
    "Hello and welcome! I'm the shop's assistant: orders, parcels, returns, invoices and more. "
    'Just send me a message — reply "human" to talk to an agent.',
    "您好，歡迎關注！我是智能客服，可以幫您查訂單、查物流、退換貨、開發票等。直接發消息給我吧～"
    "需要人工客服請回覆「轉人工」。",
)
UNSUPPORTED = (
    "暂不支持该类型消息，请发送文字描述您的问题～",
    "Sorry, this type of message is not supported yet. Please describe your question in text.",
    "暫不支持該類型消息，請發送文字描述您的問題～",
)
IMAGE_RECEIVED = (
    "已收到您的图片。机器人暂时看不懂图片，请用文字描述问题；如需人工查看，请回复“转人工”。",
    "Got your picture. I can't read pictures yet — please describe the problem in words, "
    'or reply "human" for an agent.',
    "已收到您的圖片。機器人暫時看不懂圖片，請用文字描述問題；如需人工查看，請回覆「轉人工」。",
)
LOCATION_RECEIVED = (
    "已收到您的位置：{label}。",
    "Got your location: {label}.",
    "已收到您的位置：{label}。",
)
VOICE_UNRECOGNISED = (
    "抱歉，没有听清您的语音，请再说一遍或发送文字～",
    "Sorry, I couldn't make out your voice message. Please try again or type it.",
    "抱歉，沒有聽清您的語音，請再說一遍或發送文字～",
)
QUEUE = (
    "您前面还有 {position} 位，预计 {minutes} 分钟",
    "{position} ahead of you, about {minutes} min",
    "您前面還有 {position} 位，預計 {minutes} 分鐘",
)
AGENT_JOINED = (
    "客服 {name} 为您服务",
    "{name} is now helping you",
    "客服 {name} 為您服務",
)
HANDED_BACK = (
    "已为您转回智能客服，有问题随时问我～",
    "You are back with the assistant; ask me anything.",
    "已為您轉回智能客服，有問題隨時問我～",
)
CLOSED = (
    "本次服务已结束，感谢您的咨询！",
    "This chat has ended. Thank you!",
    "本次服務已結束，感謝您的諮詢！",
)
CSAT_QUESTION = (
    "请为本次服务打分：回复 1-5（5 分最满意），也可以在分数后写下您的意见。",
    "Please rate this chat: reply 1-5 (5 = very satisfied), optionally followed by a comment.",
    "請為本次服務打分：回覆 1-5（5 分最滿意），也可以在分數後寫下您的意見。",
)
CSAT_THANKS = (
    "感谢您的评价！",
    "Thank you for your feedback!",
    "感謝您的評價！",
)
TICKET = (
    "您的留言已收到，我们会尽快处理并回复您。",
    "We have your message and will get back to you soon.",
    "您的留言已收到，我們會盡快處理並回覆您。",
)


def say(lang: str | None, text: tuple[str, str, str], **values: Any) -> str:
    return pick(lang, *text).format(**values) if values else pick(lang, *text)


def queue_text(lang: str | None, position: int, eta_seconds: float | int | None) -> str:
    minutes = max(1, round((eta_seconds or 0) / 60))
    return say(lang, QUEUE, position=position, minutes=minutes)
