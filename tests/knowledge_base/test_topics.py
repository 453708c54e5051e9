"""The shop topics a message names (knowledge_base/topics.py), which carry a question's subject
to the follow-up after it, and the nouns it names."""

from __future__ import annotations

import pytest

from knowledge_base import nouns, topic_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("公司报销要专票 需要提供啥资料", ["专票"]),
        (
            "七天无理由退货吗",
            ["7天无理由退货"],
        ),  # the longer term hides the shorter (read as digits)
        ("我的燜燒罐出貨了沒", ["发货"]),  # traditional, Taiwan's 出貨: Mainland Mandarin
        ("how long do refunds take", ["refund"]),
        ("退宽一般几天到帐", ["退款", "到账"]),  # misspellings read right
        ("do the earbuds come with warranty", ["warranty"]),
        ("is shipping insurance worth it", ["shipping", "insurance"]),
        ("现在下单寄上海几天能到", []),
        ("", []),
    ],
)
def test_topic_terms(text: str, terms: list[str]) -> None:
    assert topic_terms(text) == terms


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("秒杀买的也可以吗", ["秒杀"]),
        ("预售的可以价保吗", ["预售", "价保"]),
        ("多久能寄到", []),  # verbs and question words name nothing
    ],
)
def test_the_nouns_a_message_names(text: str, named: list[str]) -> None:
    assert nouns(text) == named
