"""Which messages read as clearly angry (actions/_text.py): they bring a person at once."""

from __future__ import annotations

import pytest

from actions._text import is_angry


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
    ],
)
def test_angry(text: str) -> None:
    assert is_angry(text)


@pytest.mark.parametrize(
    "text", ["where is my order", "the jacket is a bit small", "is it crappie season", "谢谢"]
)
def test_not_angry(text: str) -> None:
    assert not is_angry(text)
