"""``action_goodbye`` / ``action_thank`` (actions/chitchat.py): a plain goodbye or thanks gets
its line; a person asked for, anger, or more than a goodbye that the NLU read as one does not
(heldout23's blind run)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.chitchat import ActionGoodbye, ActionThank, only_closing
from tests.actions.conftest import tracker


@pytest.mark.parametrize(
    ("text", "closing"),
    [
        ("拜拜", True),
        ("好的谢谢 那我先下了", True),
        ("唔該晒", True),
        ("thanks so much!", True),
        ("cool thx 🙏", True),
        ("哦不对 记岔了 我那单走的是支付宝", False),  # a correction, read as a goodbye
        ("咁你叫個做銷售嘅同我傾下價錢啦", False),  # a person asked for, read as thanks
    ],
)
def test_only_a_closing(text: str, closing: bool) -> None:
    assert only_closing(text) is closing


async def test_a_plain_goodbye_and_thanks_get_their_lines(services, handoffs) -> None:
    for action, text, response in (
        (ActionGoodbye(), "好的 拜拜", "utter_goodbye"),
        (ActionThank(), "谢谢你哈", "utter_thank"),
    ):
        dispatcher = CollectingDispatcher()
        assert await action.run(dispatcher, tracker(text, intent="goodbye"), {}) == []
        assert [m.get("response") for m in dispatcher.messages] == [response]
    assert handoffs == []


async def test_a_person_read_as_thanks_gets_a_person(services, handoffs) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("咁你叫個做銷售嘅同我傾下價錢啦", intent="thank", lang="zh-Hant")
    await ActionThank().run(dispatcher, t, {})
    assert [h["reason"] for h in handoffs] == ["explicit_request"]


async def test_more_than_a_goodbye_goes_to_the_faq_action(services, handoffs) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("哦不对 记岔了 我那单走的是支付宝", intent="goodbye")
    events = await ActionGoodbye().run(dispatcher, t, {})
    assert [e.get("name") for e in events] == ["action_answer_faq"] and handoffs == []
