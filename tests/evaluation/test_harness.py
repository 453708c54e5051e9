"""The conversation evaluation harness judges correctly: played through the real stack
(gateway, Rasa with the trained model, action server, staff console, Redis, SQL), a true
expectation passes where the same conversation with a wrong one fails, a handoff is read from
state (owner, events, packet), button taps send what the button says, and leaks are caught.
It asserts nothing about how good the bot is."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluation.judge import Verdict, find_leaks, judge
from evaluation.player import Played, PlayedTurn
from evaluation.report import figures
from evaluation.run import eval_stack, play_all
from evaluation.scenarios import Conversation, load

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def verdicts() -> Iterator[dict[str, Verdict]]:
    data = load([HERE / "harness_check.yml"])
    with eval_stack() as stack:
        found = asyncio.run(play_all(stack, data, concurrency=2, progress=False))
    yield {v.conversation_id.rsplit("-check-", 1)[-1]: v for v in found}


@pytest.mark.rasa
def test_a_wrong_expectation_fails_where_the_right_one_passes(verdicts: dict[str, Verdict]):
    right, wrong = verdicts["faq-right"], verdicts["faq-wrong"]
    assert right.transcript[0]["bot"] == wrong.transcript[0]["bot"]  # same answer, two verdicts
    assert right.success, right.failures
    assert not wrong.success
    assert any("none of" in f for f in wrong.failures), wrong.failures


@pytest.mark.rasa
def test_a_handoff_is_read_from_state(verdicts: dict[str, Verdict]):
    right, wrong = verdicts["human-right"], verdicts["human-wrong"]
    assert right.handed_off and right.owner == "queued"
    assert right.success, right.failures
    assert not wrong.success
    assert "handed off to a person" in wrong.failures
    assert not verdicts["faq-right"].handed_off


@pytest.mark.rasa
def test_taps_send_the_button_and_a_missing_button_fails(verdicts: dict[str, Verdict]):
    tap = verdicts["tap-right"]
    assert tap.success, tap.failures
    assert "20231120004" in tap.transcript[1]["bot"]  # the tapped order was answered
    missing = verdicts["tap-missing"]
    assert not missing.success
    assert any("no button" in f for f in missing.failures), missing.failures


def test_leaks_count_another_customers_data_but_not_what_the_customer_typed():
    conv = Conversation.model_validate(
        {"id": "x", "lang": "en", "customer": "demo-002", "turns": [{"say": "hi"}]}
    )
    private = {"demo-001": ["20231120002", "羊毛大衣"], "demo-002": ["20231120021"]}
    shown = Played(
        conv, "c", [PlayedTurn("where is 20231120002", [{"text": "20231120002 羊毛大衣"}], "bot")]
    )
    assert find_leaks(shown, private) == ["demo-001: 羊毛大衣"]
    verdict = judge(shown, private)
    assert not verdict.success and verdict.leaks
    own = Played(conv, "c", [PlayedTurn("hi", [{"text": "order 20231120021"}], "bot")])
    assert find_leaks(own, private) == []
    assert figures([verdict])["leaks"] == 1
