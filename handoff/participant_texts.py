"""What the customer reads when a lead joins the chat (强插): the lead's name with their title
("组长 王芳" / "Team lead Wang Fang"), and the lines for joining and leaving — written in
simplified Chinese and English, traditional Chinese derived with OpenCC (``kefu.i18n``)."""

from __future__ import annotations

from collections.abc import Iterable

from kefu.i18n import to_traditional

# role → (simplified Chinese, English) title shown before the participant's name
TITLES: dict[str, tuple[str, str]] = {
    "supervisor": ("主管", "Supervisor"),
    "team_lead": ("组长", "Team lead"),
}
JOINED = ("{name} 加入了对话，将和客服一起为您服务。", "{name} has joined the chat to help you.")
LEFT = ("{name} 已离开对话。", "{name} has left the chat.")


def title_role(roles: Iterable[str]) -> str:
    """``supervisor`` for supervisors and admins, else ``team_lead``."""
    return "supervisor" if {"supervisor", "admin"} & set(roles) else "team_lead"


def names(roles: Iterable[str], display_name: str) -> dict[str, str]:
    """``agent_name`` (zh), ``agent_name_hant`` and ``agent_name_en``: title + name. The name
    itself is never converted (a person's name is written as they write it)."""
    zh, en = TITLES[title_role(roles)]
    return {
        "agent_name": f"{zh} {display_name}",
        "agent_name_hant": f"{to_traditional(zh)} {display_name}",
        "agent_name_en": f"{en} {display_name}",
    }


def customer_texts(line: tuple[str, str], shown: dict[str, str]) -> dict[str, str]:
    """``text_for_customer`` (zh), ``…_hant`` and ``…_en`` of JOINED or LEFT for ``shown``
    (the result of ``names``)."""
    zh, en = line
    return {
        "text_for_customer": zh.format(name=shown["agent_name"]),
        "text_for_customer_hant": to_traditional(zh).format(name=shown["agent_name_hant"]),
        "text_for_customer_en": en.format(name=shown["agent_name_en"]),
    }
