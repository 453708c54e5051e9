"""The agent console's and customer panel's words: every label the pages ask for exists in
simplified Chinese, traditional Chinese (made by OpenCC from the simplified) and English, every
code the panel shows has a label, and the page carries all three."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from console import console_text, panel_text
from handoff.packet import REASONS
from handoff.ticket_states import OPEN_STATES
from kefu.i18n import LANGS, to_traditional
from shop import OrderStatus, RefundStatus
from tests.staff_console import Console

STATIC = Path(console_text.__file__).parent / "static"


def literal_keys(source: str, *calls: str) -> set[str]:
    found: set[str] = set()
    for call in calls:
        pattern = r"(?<![\w.])" + re.escape(call) + r'"([A-Za-z_.-]+)"[,)]'
        found |= set(re.findall(pattern, source))
    return found


def test_every_label_exists_in_the_three_languages():
    for table in (console_text, panel_text):
        catalogue = table.catalogue()
        assert set(catalogue) == set(LANGS)
        for lang in LANGS:
            assert set(catalogue[lang]) == set(table.TEXTS), (table.__name__, lang)
            assert all(text.strip() for text in catalogue[lang].values()), (table.__name__, lang)
        for key, (zh, _en) in table.TEXTS.items():
            assert catalogue["zh-Hant"][key] == to_traditional(zh)  # derived, never typed


def test_traditional_is_really_traditional():
    hant = panel_text.catalogue()["zh-Hant"]
    assert hant["cp_orders"] == "最近訂單" and hant["shipped"] == "已發貨"
    assert console_text.catalogue()["zh-Hant"]["my_chats"] == "我的會話"


def test_every_label_the_panel_asks_for_is_in_its_table():
    source = (STATIC / "customer_panel.js").read_text(encoding="utf-8")
    used = literal_keys(source, "pt(", "panelRow(dl, ")
    assert used and used <= set(panel_text.TEXTS), used - set(panel_text.TEXTS)
    codes = {
        *(str(s) for s in OrderStatus),  # pt(o.status)
        *(str(s) for s in RefundStatus),  # pt(r.status)
        "in_transit",  # pt(o.tracking.status), as the demo shop says it
        "delivered",
        *("ticket_" + s for s in OPEN_STATES),  # the panel lists open tickets
        *("from_" + s for s in ("customer", "bot", "agent", "system")),
        *(lang + "_lang" for lang in LANGS),
        "web",
        "rest",
        "wechat",
        *REASONS,
        "cp_bot_only",
        *("solved", "unsolved", "ticket", "abandoned", "unknown"),  # handoff.facts resolutions
    }
    assert codes <= set(panel_text.TEXTS), codes - set(panel_text.TEXTS)


def test_every_label_the_console_asks_for_is_in_its_table():
    source = (STATIC / "console.js").read_text(encoding="utf-8")
    page = (STATIC / "console.html").read_text(encoding="utf-8")
    used = literal_keys(source, "t(") | set(re.findall(r'data-i18n(?:-ph)?="([^"]+)"', page))
    packet = source[source.index("function renderPacket") :]
    packet = packet[: packet.index("\n}\n")]
    used |= set(re.findall(r'\["(\w+)", ', packet))  # the packet's rows
    assert used and used <= set(console_text.TEXTS), used - set(console_text.TEXTS)


async def test_the_console_page_carries_both_tables_in_three_languages(console: Console):
    async with httpx.AsyncClient(base_url=console.server.url) as client:
        page = (await client.get("/console")).text
    blocks = dict(re.findall(r'<script type="application/json" id="([\w-]+)">(.*?)</script>', page))
    assert json.loads(blocks["catalogue"]) == console_text.catalogue()
    assert json.loads(blocks["panel-catalogue"]) == panel_text.catalogue()
