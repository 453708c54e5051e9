"""The answer that names what the customer names (actions/_specific.py): within the best hit's
topic, the FAQ whose question or answer names the message's thing comes first — on the real demo
knowledge base, and on hits made up to show each condition."""

from __future__ import annotations

from dataclasses import replace

import pytest

from actions._decide import decide_with_kb
from actions._specific import named_things, naming_first
from knowledge_base.api import Hit

RULE = Hit("ret-001", "支持七天无理由退货吗？", "支持。签收之日起7天内可申请七天无理由退货。", 0.9)
EXCEPTIONS = Hit(
    "ret-006",
    "哪些商品不支持七天无理由退货？",
    "以下商品不支持七天无理由退货：贴身内衣（拆封后）。",
    0.3,
)
GOODS = Hit("ret-009", "七天无理由退货的东西要完好吗？", "退回的东西需完好。", 0.3)
CUSTOMS = Hit(
    "xb-003", "清关需要提供什么资料？", "进口跨境商品需收件人实名认证；内衣类按规定申报。", 0.3
)


def test_the_exception_naming_the_thing_comes_first_with_the_rules_score() -> None:
    ranked = naming_first("内衣拆了还能七天无理由吗", [RULE, EXCEPTIONS])
    assert [h.faq_id for h in ranked] == ["ret-006", "ret-001"]
    assert ranked[0].score == 0.9


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("七天无理由退货支持吗", [RULE, EXCEPTIONS]),  # names nothing the rule does not
        ("内衣拆了还能七天无理由吗", [RULE, CUSTOMS]),  # another topic naming the word
        (
            "内衣拆了还能七天无理由吗",
            [RULE, replace(EXCEPTIONS, score=0.0)],
        ),  # scored nothing
        ("东西拆了还能七天无理由吗", [RULE, GOODS]),  # 东西 names no particular thing
    ],
)
def test_the_order_is_kept(text: str, hits: list[Hit]) -> None:
    assert naming_first(text, hits) == hits


def test_what_a_question_word_asks_for_is_no_named_thing() -> None:
    assert named_things("需要提供啥资料") == []
    assert named_things("秒杀买的也可以吗", "支持价格保护") == ["秒杀"]


async def test_the_bot_says_underwear_is_excluded(services) -> None:
    decision = await decide_with_kb(services, "内衣拆了还能七天无理由吗", "ask_faq", "zh")
    assert decision.source == "kb" and decision.hit is not None
    assert "贴身内衣" in decision.hit.answer


@pytest.mark.parametrize("text", ["", "我" * 4000, "😀" * 2000, "a\ud800b", "内衣 " * 1000])
def test_bad_input_names_nothing_odd_and_keeps_the_order(text: str) -> None:
    # (a long message is read by its first MAX_CHARS characters: its question was focused on)
    assert all(len(w) >= 2 for w in named_things(text))
    assert naming_first(text, [RULE, CUSTOMS]) == [RULE, CUSTOMS]
