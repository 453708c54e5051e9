"""Transfers: the reasons an agent picks from (with an optional line of their own), and what
the customer is told — the real reason and who takes over, in simplified Chinese, traditional
Chinese (OpenCC, ``kefu.i18n``) and English. Staff and customers read labels, never codes."""

from __future__ import annotations

from typing import Any

from kefu.i18n import to_traditional

# code → (simplified Chinese, English): shown to the agent in the list and to the customer.
TRANSFER_REASONS: dict[str, tuple[str, str]] = {
    "needs_specialist": (
        "您的问题需要更专业的同事协助",
        "Your question needs a colleague with specialist knowledge",
    ),
    "other_team": ("您的问题由其他业务组负责", "Your question is handled by another team"),
    "language": ("为您安排使用您语言的同事", "A colleague who speaks your language will help"),
    "needs_lead": ("您的问题需要主管处理", "Your question needs a team lead"),
    "shift_change": ("当前客服即将交班", "Your agent's shift is ending"),
}
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "presale": ("售前", "pre-sales"),
    "aftersales": ("售后", "after-sales"),
    "logistics": ("物流", "delivery"),
    "complaints": ("投诉处理", "complaints"),
}
OTHER_GROUP = ("相关业务组", "the right team")
MAX_NOTE_CHARS = 200


def reasons_for_staff() -> list[dict[str, str]]:
    return [{"code": code, "zh": zh, "en": en} for code, (zh, en) in TRANSFER_REASONS.items()]


def group_label(group: str) -> tuple[str, str]:
    return GROUP_LABELS.get(group, OTHER_GROUP)


def customer_texts(
    reason: str, note: str, *, to_agent_name: str = "", to_group: str = ""
) -> dict[str, Any]:
    """The transfer's ``text_for_customer`` (zh), ``…_hant`` and ``…_en``: the reason, who
    takes over (the colleague's name, or the team), and the agent's own line if any."""
    why_zh, why_en = TRANSFER_REASONS[reason]
    if to_agent_name:
        zh = f"{why_zh}，已为您转接给客服 {to_agent_name}。"
        en = f"{why_en}; {to_agent_name} is taking over your chat."
    else:
        team_zh, team_en = group_label(to_group)
        zh = f"{why_zh}，已为您转接{team_zh}客服，请稍候。"
        en = f"{why_en}; you are being transferred to our {team_en} team, please wait a moment."
    if note:
        zh, en = f"{zh}{note}", f"{en} {note}"
    return {
        "text_for_customer": zh,
        "text_for_customer_hant": to_traditional(zh),
        "text_for_customer_en": en,
    }
