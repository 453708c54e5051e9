"""One answer per customer message (issue 11): a correction the fallback hands to a flow
("打错了 是20231120011" after a refund question) is answered once. Rasa predicts its core
fallback again after a flow no rule ends; the fallback must then listen, not follow up again
(the refund line was sent five times in one turn)."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultFallback
from actions.refund import ActionCheckRefund
from tests.actions.conftest import tracker

FIRST = {
    "event": "user",
    "text": "帮我看下退款 2023112011",
    "parse_data": {"intent": {"name": "check_refund", "confidence": 0.9}, "entities": []},
}


def _after(t, *events):  # type: ignore[no-untyped-def]
    t.events.extend(events)
    return t


async def test_a_correction_handed_to_a_flow_is_answered_once(services):
    def correction():  # type: ignore[no-untyped-def]
        return tracker(
            "打错了 是20231120011",
            intent="nlu_fallback",
            history=[FIRST, {"event": "action", "name": "action_listen"}],
            slots={"order_id": "20231120011"},
        )

    first = CollectingDispatcher()
    events = await ActionDefaultFallback().run(first, correction(), {})
    assert events == [{"event": "followup", "timestamp": None, "name": "action_check_refund"}]
    assert first.messages == []

    refund = CollectingDispatcher()
    await ActionCheckRefund().run(refund, correction(), {})
    assert len(refund.messages) == 1 and "20231120011" in refund.messages[0]["text"]

    # Rasa predicts its core fallback once more: the turn is answered, so it listens.
    again = CollectingDispatcher()
    answered = _after(
        correction(),
        {"event": "action", "name": "action_default_fallback"},
        {"event": "action", "name": "action_check_refund"},
        {"event": "bot", "text": refund.messages[0]["text"]},
    )
    events = await ActionDefaultFallback().run(again, answered, {})
    assert again.messages == []
    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]
