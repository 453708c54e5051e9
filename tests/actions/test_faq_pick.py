"""Tapped suggestions (actions/_picks.py, actions/faq_pick.py) on the real demo knowledge base:
the "您想问的是…" buttons name their FAQ, a tap is answered with that FAQ in the customer's
language as a direct hit, an id that is not published gets a polite reply with a person, a tap
inside a flow is answered without filling the flow's question; and a message naming an order id
that the NLU read as a question goes to that order's flow (actions._decide.own_order_intent)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import FollowupAction

from actions._picks import pick_payload
from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.faq_pick import ActionAnswerFaqPick
from actions.order_forms import ValidateReturnForm
from kefu.i18n import to_traditional
from knowledge_base.demo import demo_faqs
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import has, in_form, run_with_domain
from tests.actions.test_flows import run, slot

FAQS = {f.id: f for f in demo_faqs()}


def tap(faq_id: Any, lang: str = "zh", **kw: Any):  # type: ignore[no-untyped-def]
    entities = [{"entity": "faq_id", "value": faq_id, "start": 0, "end": 0}]
    return tracker(pick_payload(str(faq_id)), intent="faq_pick", lang=lang, entities=entities, **kw)


async def test_suggestions_name_their_faq(services):  # type: ignore[no-untyped-def]
    _, _, dispatcher = await run(ActionAnswerFaq(), tracker("发货慢", intent="ask_faq"))
    buttons = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    assert {"title": FAQS["shp-002"].question, "payload": '/faq_pick{"faq_id":"shp-002"}'} in (
        buttons
    )


async def test_a_tap_is_answered_as_a_direct_hit(services):  # type: ignore[no-untyped-def]
    events, texts, dispatcher = await run(
        ActionAnswerFaqPick(), tap("shp-002", slots={"faq_misses": 1})
    )
    assert texts == [FAQS["shp-002"].answer]
    assert dispatcher.messages[0]["faq_id"] == "shp-002"  # the conversation's facts list it
    assert slot(events, "faq_misses") == 0 and slot(events, "faq_id") is None


async def test_a_traditional_customer_reads_traditional(services):  # type: ignore[no-untyped-def]
    _, texts, _ = await run(ActionAnswerFaqPick(), tap("ret-004", lang="zh-Hant"))
    assert texts == [to_traditional(FAQS["ret-004"].answer)] and texts[0] != FAQS["ret-004"].answer


async def test_an_unknown_or_hostile_id_gets_a_polite_reply_and_a_person(services):  # type: ignore[no-untyped-def]
    for faq_id, lang, words in (
        ("no-such-faq", "zh", "转人工"),
        ("no-such-faq", "en", "agent"),
        (12345, "zh", "转人工"),
        ("x" * 5000, "zh", "转人工"),
    ):
        events, texts, dispatcher = await run(ActionAnswerFaqPick(), tap(faq_id, lang=lang))
        assert len(texts) == 1 and words in texts[0]
        assert dispatcher.messages[0]["buttons"][-1]["payload"] == "/request_human"
        assert not dispatcher.messages[0].get("faq_id")
        assert slot(events, "faq_id") is None


async def test_a_tap_inside_a_flow_is_answered_and_the_flow_goes_on(services):  # type: ignore[no-untyped-def]
    entities = [{"entity": "faq_id", "value": "ret-004", "start": 0, "end": 0}]
    t = in_form(
        "return_form",
        pick_payload("ret-004"),
        intent="faq_pick",
        order_id="20231120001",
        requested_slot="return_reason",
        return_reason=pick_payload("ret-004"),  # what Rasa's from_text mapping put there
    )
    t.latest_message["entities"] = entities
    events, texts, _ = await run_with_domain(ValidateReturnForm(), t)
    assert texts == [FAQS["ret-004"].answer]
    assert slot(events, "return_reason") is None  # the tap is not the reason asked for
    assert slot(events, "flow_paused") is True
    assert not has(events, "action_execution_rejected")


async def test_an_order_named_in_a_question_goes_to_its_flow(services):  # type: ignore[no-untyped-def]
    t = tracker("the linen shirt doesnt fit, can I send it back? order 20231120022", lang="en")
    t.latest_message["intent"] = {"name": "ask_faq", "confidence": 0.73}
    t.latest_message["intent_ranking"] = [
        {"name": "ask_faq", "confidence": 0.73},
        {"name": "request_return", "confidence": 0.18},
    ]
    events, texts, _ = await run(ActionAnswerFaq(), t)
    assert events == [FollowupAction("return_form")] and texts == []
    # Without an order id it stays a question for the knowledge base.
    t.latest_message["text"] = "what if a shirt doesnt fit, can I send it back?"
    events, _, _ = await run(ActionAnswerFaq(), t)
    assert FollowupAction("return_form") not in events


async def test_an_order_named_in_a_question_the_kb_cannot_answer_takes_its_likeliest_flow(services):  # type: ignore[no-untyped-def]
    t = tracker("did my button-down actually get delivered? ord 20231120022", lang="en")
    t.latest_message["intent"] = {"name": "ask_faq", "confidence": 0.9}
    t.latest_message["intent_ranking"] = [
        {"name": "ask_faq", "confidence": 0.9},
        {"name": "track_shipment", "confidence": 0.04},
        {"name": "change_order", "confidence": 0.01},
    ]
    events, texts, _ = await run(ActionAnswerFaq(), t)
    assert events == [FollowupAction("shipment_form")] and texts == []


async def test_a_fallback_naming_an_order_follows_its_best_flow_behind_inform(services):  # type: ignore[no-untyped-def]
    t = tracker("耳机那单20231120013发票抬头开错了 要改成新公司", intent="nlu_fallback")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "inform", "confidence": 0.37},
        {"name": "request_invoice", "confidence": 0.31},
    ]
    events, _, _ = await run(ActionFallback(), t)
    assert events == [FollowupAction("invoice_form")]
