"""Which messages read as clearly angry (actions/_text.py): they bring a person at once, with
what the knowledge base knows for sure."""

from __future__ import annotations

import pytest

from actions._text import is_angry
from actions.order_forms import ValidatePaymentForm
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import run_with_domain


@pytest.mark.parametrize(
    "text",
    [
        "你们这什么破服务",
        "this is ridiculous",
        "wtf where is my order",
        "what the hell is going on with my refund",
        "this shop is a joke, 2 weeks and nothing",
        "total rip-off, I'm sick of waiting",
        "what a waste of time",
        # heldout22 (Taiwan): what are you doing, absurd
        "退款等一個禮拜了還沒好 你們到底在幹嘛 真的很扯欸",
    ],
)
def test_angry(text: str) -> None:
    assert is_angry(text)


@pytest.mark.parametrize(
    "text",
    [
        "where is my order",
        "the jacket is a bit small",
        "is it crappie season",
        "谢谢",
        "运费有点离谱 能便宜点吗",  # a price found steep, no anger at the shop
        "别跟我扯规则",  # (扯 alone)
    ],
)
def test_not_angry(text: str) -> None:
    assert not is_angry(text)


async def test_anger_gets_an_apology_the_known_facts_and_a_person(services, handoffs):  # type: ignore[no-untyped-def]
    # "charged twice!! what the hell": the shop manual's apology first and a person — and what
    # the knowledge base knows for sure (refunded by itself within 24 hours) is said too, so
    # the customer has it while the person comes.
    text = "you took my money two times for one order, this is ridiculous"
    _, texts, _ = await run_with_domain(
        ValidatePaymentForm(), tracker(text, intent="payment_problem", lang="en")
    )
    assert "sorry" in texts[0].lower() and "24 hours" in texts[1]
    assert [p["reason"] for p in handoffs] == ["negative_sentiment"]
