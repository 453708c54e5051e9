"""A VIP (shop ``vip_level`` >= KEFU_VIP_HANDOFF_LEVEL, default 3) gets a person at the bot's
first miss, reason ``vip``, on recorded trackers against the real SQL shop. Demo customers:
demo-001 is VIP 3, demo-002 VIP 0, demo-003 VIP 1."""

from __future__ import annotations

from actions.faq import ActionAnswerFaq
from actions.handoff import ActionFallback
from actions.settings import ActionSettings
from handoff.packet import effective_priority, validate_packet
from tests.actions.conftest import tracker
from tests.actions.test_flows import run, slot

SKILL_GROUPS = ["presale", "aftersales", "logistics", "complaints"]

FIRST_FALLBACK = {
    "event": "user",
    "text": "asdfgh",
    "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}},
}


async def test_vip_first_fallback_hands_off_with_reason_vip(services, handoffs):
    events, texts, d = await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback"))
    assert len(handoffs) == 1
    packet = handoffs[0]
    assert packet["reason"] == "vip" and packet["skill_group"] == "aftersales"
    assert packet["customer"]["id"] == "demo-001" and packet["customer"]["vip_level"] == 3
    assert "asdfgh" in packet["summary"]
    assert "换个说法" not in " ".join(texts) and "转接人工客服" in texts[0]
    assert not any(m.get("buttons") for m in d.messages)
    assert slot(events, "handoff_reason") == "vip"


async def test_vip_first_faq_miss_hands_off_instead_of_offering_choices(services, handoffs):
    # "价格" is a near miss: an ordinary customer is offered the closest questions.
    events, texts, d = await run(ActionAnswerFaq(), tracker("价格", intent="ask_faq"))
    assert len(handoffs) == 1
    packet = handoffs[0]
    assert packet["reason"] == "vip" and packet["skill_group"] == "presale"
    assert packet["faq_tried"][0]["faq_id"] == "prc-001"  # 买完降价了可以退差价吗？
    assert not any(m.get("buttons") for m in d.messages) and "转接人工客服" in texts[0]
    assert slot(events, "faq_misses") == 0 and slot(events, "handoff_reason") == "vip"


async def test_vip_first_miss_speaks_the_customers_language(services, handoffs):
    _, texts, _ = await run(ActionFallback(), tracker("blorp", intent="nlu_fallback", lang="en"))
    assert "human agent right away" in texts[0]
    _, texts, _ = await run(
        ActionAnswerFaq(), tracker("量子糾纏", intent="ask_faq", lang="zh-Hant", sender="c-2")
    )
    assert "轉接人工客服" in texts[0]
    assert [p["reason"] for p in handoffs] == ["vip", "vip"]
    assert [p["customer"]["language"] for p in handoffs] == ["en", "zh-Hant"]


async def test_first_miss_hands_off_only_the_vip(services, handoffs):
    for customer in ("demo-002", "demo-003"):  # VIP 0 and VIP 1
        _, texts, _ = await run(
            ActionFallback(), tracker("asdfgh", intent="nlu_fallback", customer=customer)
        )
        assert "换个说法" in texts[0]
        _, _, d = await run(ActionAnswerFaq(), tracker("价格", intent="ask_faq", customer=customer))
        assert d.messages[0]["buttons"]
    assert handoffs == []
    await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback", customer="demo-001"))
    assert [(p["reason"], p["customer"]["id"]) for p in handoffs] == [("vip", "demo-001")]


async def test_vip_priority_is_raised_once_by_the_queue(services, handoffs):
    # The bot posts the usual priority; the handoff service adds the VIP boost (vip_level),
    # so a VIP's first miss queues exactly that boost ahead of an ordinary second miss.
    await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback"))
    await run(
        ActionFallback(),
        tracker(
            "qwerty",
            intent="nlu_fallback",
            customer="demo-002",
            history=[FIRST_FALLBACK],
            sender="c-2",
        ),
    )
    vip, ordinary = handoffs
    assert (vip["reason"], ordinary["reason"]) == ("vip", "repeated_fallback")
    assert vip["priority"] == ordinary["priority"] == "normal"
    boost = 2 + 3  # handoff.packet.effective_priority for vip_level 3
    assert effective_priority(validate_packet(vip, SKILL_GROUPS)) == (
        effective_priority(validate_packet(ordinary, SKILL_GROUPS)) + boost
    )


async def test_vip_threshold_setting_is_honoured(services, handoffs, monkeypatch):
    assert ActionSettings(_env_file=None).vip_handoff_level == 3
    monkeypatch.setenv("KEFU_VIP_HANDOFF_LEVEL", "4")
    assert ActionSettings(_env_file=None).vip_handoff_level == 4

    services.settings.vip_handoff_level = 4  # demo-001 (VIP 3) is now below it
    _, texts, _ = await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback"))
    assert "换个说法" in texts[0] and handoffs == []

    services.settings.vip_handoff_level = 0  # off: nobody
    await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback"))
    assert handoffs == []

    services.settings.vip_handoff_level = 1  # demo-003 (VIP 1) now reaches it
    await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback", customer="demo-003"))
    await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback", customer="demo-002"))
    assert [(p["reason"], p["customer"]["id"]) for p in handoffs] == [("vip", "demo-003")]
