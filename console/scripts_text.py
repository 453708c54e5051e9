"""What the scripts library page (话术库, ``/console/scripts.html``) says, in simplified Chinese
and English; traditional Chinese made by OpenCC (``kefu.i18n.to_traditional``). Skill-group
labels are the live board's (``console.board_text``), so both pages name a group alike."""

from __future__ import annotations

import json
from functools import lru_cache

from console.board_text import TEXTS as BOARD_TEXTS
from kefu.i18n import to_traditional

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("话术库", "Scripts library"),
    "console": ("工作台", "Console"),
    "board": ("实时看板", "Live board"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "login": ("登录", "Log in"),
    "not_lead": (
        "话术库由组长、主管和管理员编辑",
        "Team leads, supervisors and admins edit scripts",
    ),
    "sets_on": ("当前启用", "On now"),
    "all_sets": ("全部话术集", "Every set"),
    "set": ("话术集", "Set"),
    "set.normal": ("常规", "Normal"),
    "set.big_sale": ("大促", "Big sale"),
    "set.outage": ("故障", "Outage"),
    "group": ("技能组", "Group"),
    "shared": ("所有组共用", "Shared by every group"),
    "scenario": ("场景", "Scenario"),
    "title_col": ("标题", "Title"),
    "text_zh": ("中文话术", "Chinese text"),
    "text_en": ("英文话术", "English text"),
    "scenario_zh": ("场景（中文）", "Scenario (Chinese)"),
    "scenario_en": ("场景（英文）", "Scenario (English)"),
    "title_zh": ("标题（中文）", "Title (Chinese)"),
    "title_en": ("标题（英文）", "Title (English)"),
    "position": ("排序", "Order"),
    "search": ("搜索标题、话术、场景…", "Search titles, texts, scenarios…"),
    "new": ("新建话术", "New script"),
    "export": ("导出 CSV", "Export CSV"),
    "edit": ("编辑", "Edit"),
    "delete": ("删除", "Delete"),
    "save": ("保存", "Save"),
    "cancel": ("取消", "Cancel"),
    "saved": ("已保存", "Saved"),
    "deleted": ("已删除", "Deleted"),
    "confirm_delete": ("确定删除这条话术？", "Delete this script?"),
    "variables": (
        "可用变量（点击插入）：繁体中文由简体自动转换",
        "Variables (click to insert); traditional Chinese is made from the Chinese text",
    ),
    "var.customer_name": ("客户称呼", "customer's name"),
    "var.order_id": ("订单号", "order id"),
    "var.agent_name": ("客服姓名", "agent's name"),
    "read_only": ("只读", "Read-only"),
    "err.unknown_variable": (
        "“{field}”里有未知变量 {variable}，可用变量：{allowed}",
        "Unknown variable {variable} in “{field}”; the variables are {allowed}",
    ),
    "err.invalid_body": ("请填写所有必填项", "Please fill in every field"),
    "err.not_your_group": (
        "组长只能编辑本组话术，共用话术由主管编辑",
        "A team lead edits their own groups' scripts; shared ones are the supervisors'",
    ),
}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    pairs = {k: v for k, v in BOARD_TEXTS.items() if k.startswith("group.")} | TEXTS
    zh = {key: pair[0] for key, pair in pairs.items()}
    return {
        "zh": zh,
        "zh-Hant": {key: to_traditional(text) for key, text in zh.items()},
        "en": {key: pair[1] for key, pair in pairs.items()},
    }


def scripts_catalogue_json() -> str:
    """The catalogue for a ``<script type="application/json">`` block (``<`` escaped)."""
    return json.dumps(catalogue(), ensure_ascii=False).replace("<", "\\u003c")
