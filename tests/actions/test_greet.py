"""``action_greet`` (actions/greet.py): a greeting that also asks gets the answer, on the real
demo knowledge base; a plain hello gets the hello."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.greet import ActionGreet, asked_with_greeting
from tests.actions.conftest import tracker


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("hi do u have a size chart", "do u have a size chart"),
        ("你好 请问运费怎么算", "请问运费怎么算"),
        ("hi there", None),
        ("哈喽 在吗", None),
        ("您好", None),
        # heldout22: a question mid-message (its 吗 not last), a bot addressed with an emoji
        ("晚上十一点多还有客服在线吗 我下班比较晚", "晚上十一点多还有客服在线吗 我下班比较晚"),
        ("哈喽机器人🤖 你们这能用云闪付付钱不", "你们这能用云闪付付钱不"),
    ],
)
def test_what_a_greeting_asks(text: str, asked: str | None) -> None:
    assert asked_with_greeting(text) == asked


async def test_a_greeting_that_asks_gets_the_answer(services) -> None:
    dispatcher = CollectingDispatcher()
    await ActionGreet().run(
        dispatcher, tracker("hi do u have a size chart", intent="greet", lang="en"), {}
    )
    assert "size chart" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0].get("response") is None


async def test_a_plain_hello_gets_the_hello(services) -> None:
    dispatcher = CollectingDispatcher()
    await ActionGreet().run(dispatcher, tracker("哈喽 在吗", intent="greet"), {})
    assert dispatcher.messages[0]["response"] == "utter_greet"


async def test_a_greeting_around_an_own_product_runs_its_task(services) -> None:
    # "hey wheres my thermos": the flask's tracking, not a hello back
    dispatcher = CollectingDispatcher()
    events = await ActionGreet().run(
        dispatcher, tracker("hey wheres my thermos", intent="greet", lang="en"), {}
    )
    assert [e.get("name") for e in events if e.get("event") == "followup"] == ["shipment_form"]
    assert dispatcher.messages == []


async def test_a_question_with_no_greeting_read_as_one_goes_to_the_faq_action(services) -> None:
    # "在哪点申请" after the price-protection answer, read by the NLU as a hello
    dispatcher = CollectingDispatcher()
    events = await ActionGreet().run(dispatcher, tracker("在哪点申请", intent="greet"), {})
    assert [e.get("name") for e in events if e.get("event") == "followup"] == ["action_answer_faq"]
    assert dispatcher.messages == []


async def test_a_question_read_as_a_hello_is_answered(services) -> None:
    # heldout22: "晚上十一点多还有客服在线吗 我下班比较晚" was greeted back
    dispatcher = CollectingDispatcher()
    t = tracker("晚上十一点多还有客服在线吗 我下班比较晚", intent="greet")
    events = await ActionGreet().run(dispatcher, t, {})
    assert [e.get("name") for e in events if e.get("event") == "followup"] == ["action_answer_faq"]
