"""What the live board page says, in simplified Chinese and English; traditional Chinese is
made from the simplified text by OpenCC (``kefu.i18n.to_traditional``), never typed by hand.
The page gets all three in one JSON block (``catalogue_json``), and shows labels, never raw
codes (skill groups, statuses, away reasons, escalation levels)."""

from __future__ import annotations

import json
from functools import lru_cache

from kefu.i18n import to_traditional

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("实时看板", "Live board"),
    "console": ("工作台", "Console"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "login": ("登录", "Log in"),
    "groups": ("技能组", "Groups"),
    "group": ("技能组", "Group"),
    "waiting": ("排队", "Waiting"),
    "longest_wait": ("最长等待", "Longest wait"),
    "assigned": ("接待中", "Assigned"),
    "breaches_now": ("当前超时", "SLA breaches now"),
    "sla_target": ("首响目标", "First-response target"),
    "agents": ("客服", "Agents"),
    "agent": ("客服", "Agent"),
    "status": ("状态", "Status"),
    "load": ("接待量/上限", "Load / capacity"),
    "in_status": ("本状态时长", "Time in status"),
    "chats_today": ("今日会话", "Chats today"),
    "avg_first_response": ("平均首响", "Avg first response"),
    "breach_list": ("超时升级记录", "SLA breaches"),
    "overdue_tickets": ("超期工单", "Overdue tickets"),
    "conversation": ("会话", "Conversation"),
    "escalated_to": ("升级给", "Escalated to"),
    "when": ("时间", "When"),
    "due": ("到期", "Due"),
    "alerts": ("提醒", "Alerts"),
    "queue": ("排队会话", "Queue"),
    "listen": ("监听", "Listen in"),
    "reassign": ("改派", "Reassign"),
    "spam": ("关闭(骚扰)", "Close as spam"),
    "to_agent": ("改派给（账号）", "to agent (username)"),
    "read_only": ("只读监听，不会发送任何消息", "Read-only: nothing is sent"),
    "join": ("强插（加入会话）", "Join the chat"),
    "leave_chat": ("退出会话", "Leave the chat"),
    "joined_note": (
        "您已加入会话：客户会看到您以组长身份发出的消息，会话仍归原客服",
        "You joined: the customer sees your messages under your title; the agent keeps the chat",
    ),
    "lead_reply_ph": ("回复客户…", "Reply to the customer…"),
    "send": ("发送", "Send"),
    "scripts": ("话术库", "Scripts"),
    "none": ("暂无", "None"),
    "big_sale": ("大促模式", "Big-sale mode"),
    "on": ("开", "on"),
    "off": ("关", "off"),
    "seconds": ("秒", "s"),
    "minutes": ("分", "min"),
    "not_lead": (
        "看板只对组长、主管和管理员开放",
        "The board is for team leads, supervisors and admins",
    ),
    "switches": ("主管开关", "Supervisor switches"),
    "outage": ("故障模式", "Outage mode"),
    "outage_script": ("故障话术", "Outage script"),
    "save": ("保存", "Save"),
    "saved": ("已保存", "Saved"),
    "accounts": ("账号管理", "Staff accounts"),
    "display_name": ("显示名", "Display name"),
    "roles": ("角色", "Roles"),
    "capacity": ("接待上限", "Capacity"),
    "active": ("启用", "Active"),
    "create": ("新建账号", "Create account"),
    "comma_hint": ("多个用逗号分隔", "comma-separated"),
    "role.agent": ("客服", "agent"),
    "role.editor": ("知识库编辑", "editor"),
    "role.admin": ("管理员", "admin"),
    "role.qa": ("质检员", "QA inspector"),
    "reports": ("服务报告", "Service reports"),
    "qa_page": ("质检", "Quality inspection"),
    "report_date": ("日期（留空为上一完整周期）", "Date (empty: last full period)"),
    "show": ("查看", "Show"),
    "download_html": ("下载 HTML", "Download HTML"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "period.day": ("日报", "Day"),
    "period.week": ("周报", "Week"),
    "period.month": ("月报", "Month"),
    "status.online": ("在线", "Online"),
    "status.away": ("离开", "Away"),
    "status.offline": ("离线", "Offline"),
    "reason.break": ("小休", "Break"),
    "reason.meal": ("就餐", "Meal"),
    "reason.training": ("培训", "Training"),
    "group.presale": ("售前", "Presale"),
    "group.aftersales": ("售后", "After-sales"),
    "group.logistics": ("物流", "Logistics"),
    "group.complaints": ("投诉", "Complaints"),
    "role.team_lead": ("组长", "team lead"),
    "role.supervisor": ("主管", "supervisor"),
    "alert.sla_breach": ("首响超时", "SLA breach"),
    "alert.ticket_overdue": ("工单超期", "Ticket overdue"),
}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    zh = {key: pair[0] for key, pair in TEXTS.items()}
    return {
        "zh": zh,
        "zh-Hant": {key: to_traditional(text) for key, text in zh.items()},
        "en": {key: pair[1] for key, pair in TEXTS.items()},
    }


def catalogue_json() -> str:
    """The catalogue for a ``<script type="application/json">`` block (``<`` escaped)."""
    return json.dumps(catalogue(), ensure_ascii=False).replace("<", "\\u003c")
