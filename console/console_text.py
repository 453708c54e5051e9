"""What the agent console says (``console/static/console.js``), in simplified Chinese and
English; traditional Chinese is made from the simplified text by OpenCC
(``kefu.i18n.three_languages``), never typed by hand. The page gets all three in one JSON block
and follows the language the staff member chose (``kefu.lang``, shared with the board and
reports)."""

from __future__ import annotations

from functools import lru_cache

from kefu.i18n import json_block, three_languages

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("客服工作台", "Agent console"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "login": ("登录", "Log in"),
    "status": ("状态", "Status"),
    "online": ("在线", "Online"),
    "away": ("离开", "Away"),
    "offline": ("离线", "Offline"),
    "my_chats": ("我的会话", "My chats"),
    "queue": ("排队", "Queue"),
    "pick": ("请选择一个会话", "Pick a conversation"),
    "kb_search": ("搜知识库", "Search the knowledge base"),
    "kb_search_ph": (
        "搜索知识库，例如：运费险",
        "Search the knowledge base, e.g. shipping insurance",
    ),
    "accept": ("接入", "Accept"),
    "send": ("发送", "Send"),
    "note": ("内部备注", "Internal note"),
    "transfer": ("转接", "Transfer"),
    "close": ("结束会话", "Close"),
    "handback": ("交还机器人", "Hand back to bot"),
    "packet": ("转接信息", "Handoff packet"),
    "reply_ph": (
        "输入回复…（行首输入 / 调出快捷回复）",
        "Type a reply… (/ at the start: canned replies)",
    ),
    "colleague": ("同事账号", "colleague"),
    "canned_hint": (
        "快捷回复：行首输入 / 搜索，↑↓ 选择，Enter 插入，Esc 关闭",
        "Canned replies: / at the start to search, ↑↓ to choose, Enter to insert, Esc to close",
    ),
    # the conversation's system lines (event types) as the agent reads them
    "ev.queued": ("转入人工排队", "Queued for an agent"),
    "ev.accepted": ("已接入", "Accepted"),
    "ev.transferred": ("已转接", "Transferred"),
    "ev.closed": ("会话已结束", "Conversation ended"),
    "ev.handed_back": ("已交还智能客服", "Handed back to the assistant"),
    "ev.left_queue": ("客户放弃排队（已建工单）", "Customer stopped waiting (ticket made)"),
    "ev.ticket_created": ("已创建工单", "Ticket created"),
    "ev.ticket_update": ("工单进展已告知客户", "Ticket progress told to the customer"),
    "ev.left_message": ("客户留言", "Customer left a message"),
    "ev.queue_update": ("排队位置更新", "Queue position updated"),
    "ev.escalated": ("已升级", "Escalated"),
    "ev.csat_request": ("已邀请客户评价", "Rating asked"),
    "ev.csat": ("客户已评价", "Customer rated"),
    "ev.handoff": ("转人工", "Handoff"),
    "ev.outage": ("故障公告", "Outage notice"),
    "owner.bot": ("智能客服接待中", "With the assistant"),
    "owner.queued": ("排队中", "Waiting in the queue"),
    "owner.agent": ("人工接待中", "With an agent"),
    "owner.closed": ("已结束", "Ended"),
    "set.big_sale": ("大促", "Big sale"),
    "set.outage": ("故障", "Outage"),
    "no_canned": ("没有匹配的快捷回复", "No canned reply matches"),
    "scripts": ("话术库", "Scripts"),
    "qa": ("质检", "QA scores"),
    "join": ("强插（加入会话）", "Join the chat"),
    "leave_chat": ("退出会话", "Leave the chat"),
    "joined": (
        "已加入：客户会看到您以组长身份发出的消息",
        "Joined: the customer sees your messages under your title",
    ),
    "customer": ("客户", "Customer"),
    "vip": ("VIP等级", "VIP level"),
    "reason": ("转人工原因", "Reason"),
    "intents": ("意图", "Intents"),
    "order": ("订单号", "Order id"),
    "faq": ("机器人已试过的FAQ", "FAQs the bot tried"),
    "summary": ("摘要", "Summary"),
    "product": ("咨询此商品", "Product page"),
    "transcript": ("最近对话", "Recent transcript"),
    "waiting": ("等待", "waiting"),
    "priority": ("优先级", "priority"),
    "seconds": ("秒", "s"),
    "load": ("接待中", "chats"),
    "internal": ("内部备注", "internal note"),
    "customer_typing": ("客户正在输入…", "Customer is typing…"),
    "board": ("实时看板", "Live board"),
    "reason.break": ("小休", "Break"),
    "reason.meal": ("就餐", "Meal"),
    "reason.training": ("培训", "Training"),
    "tickets": ("工单", "Tickets"),
    "presale": ("售前", "Pre-sales"),
    "aftersales": ("售后", "After-sales"),
    "logistics": ("物流", "Delivery"),
    "complaints": ("投诉处理", "Complaints"),
    "transfer_note": ("给客户的说明（可选）", "A line for the customer (optional)"),
}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    return three_languages(TEXTS)


def catalogue_json() -> str:
    """The catalogue for a ``<script type="application/json">`` block."""
    return json_block(catalogue())
