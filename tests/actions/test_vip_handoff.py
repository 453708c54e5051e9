"""A VIP (shop ``vip_level`` >= KEFU_VIP_HANDOFF_LEVEL, default 3) is offered a person at the
bot's first miss — a sentence and a button — and is never handed off on a misread: a question
the knowledge base answers is answered. Anger or a second miss still hands off. Recorded
trackers against the real SQL shop. Demo customers: demo-001 is VIP 3, demo-002 VIP 0, demo-003
VIP 1."""

from __future__ import annotations

from typing import Any

from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.settings import ActionSettings
from handoff.packet import effective_priority, validate_packet
from tests.actions.conftest import tracker
from tests.actions.test_flows import run

SKILL_GROUPS = ["presale", "aftersales", "logistics", "complaints"]

FIRST_FALLBACK = {
    "event": "user",
    "text": "asdfgh",
    "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}},
}
MISSED = {"event": "bot", "text": "抱歉，小蜜没太理解您的意思，可以换个说法再描述一下吗？"}


def payloads(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


async def test_vip_first_fallback_offers_a_person_without_handing_off(services, handoffs):
    events, texts, d = await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback"))
    assert handoffs == [] and events == []
    assert "换个说法" in texts[0] and "尊贵会员" in texts[0]
    assert "/request_human" in payloads(d.messages)


async def test_vip_first_faq_miss_offers_the_closest_questions_and_a_person(services, handoffs):
    # "价格" is a near miss: the closest questions are offered, and a person beside them.
    _events, texts, d = await run(ActionAnswerFaq(), tracker("价格", intent="ask_faq"))
    assert handoffs == []
    titles = [b["title"] for b in d.messages[0]["buttons"]]
    assert "买完降价了可以退差价吗？" in titles and "转人工客服" in titles
    assert "尊贵会员" in texts[0]


async def test_a_vip_misread_the_knowledge_base_answers_is_answered(services, handoffs):
    _, texts, _ = await run(ActionFallback(), tracker("退货的话运费谁出呀", intent="nlu_fallback"))
    assert handoffs == [] and "买家承担" in texts[0]


async def test_vip_anger_still_hands_off_at_once(services, handoffs):
    await run(ActionFallback(), tracker("你们什么破服务 垃圾", intent="nlu_fallback"))
    assert [p["reason"] for p in handoffs] == ["negative_sentiment"]


async def test_vip_offer_speaks_the_customers_language(services, handoffs):
    _, texts, _ = await run(ActionFallback(), tracker("blorp", intent="nlu_fallback", lang="en"))
    assert "valued member" in texts[0]
    _, texts, d = await run(
        ActionAnswerFaq(), tracker("量子糾纏", intent="ask_faq", lang="zh-Hant", sender="c-2")
    )
    assert "尊貴會員" in texts[0] and "轉人工客服" in [b["title"] for b in d.messages[0]["buttons"]]
    assert handoffs == []


async def test_only_the_vip_hears_the_offer(services, handoffs):
    for customer in ("demo-002", "demo-003"):  # VIP 0 and VIP 1
        _, texts, d = await run(
            ActionFallback(), tracker("asdfgh", intent="nlu_fallback", customer=customer)
        )
        assert "换个说法" in texts[0] and "尊贵会员" not in texts[0]
        assert "/request_human" in payloads(d.messages)  # everyone may still ask for a person
    assert handoffs == []


async def test_vip_second_miss_is_queued_ahead_by_the_queue(services, handoffs):
    # The bot posts the usual priority; the handoff service adds the VIP boost (vip_level).
    for customer, sender in (("demo-001", "c-1"), ("demo-002", "c-2")):
        await run(
            ActionFallback(),
            tracker(
                "qwerty",
                intent="nlu_fallback",
                customer=customer,
                history=[FIRST_FALLBACK, MISSED],
                sender=sender,
            ),
        )
    vip, ordinary = handoffs
    assert vip["reason"] == ordinary["reason"] == "repeated_fallback"
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
    assert "尊贵会员" not in texts[0]

    services.settings.vip_handoff_level = 0  # off: nobody
    _, texts, _ = await run(ActionFallback(), tracker("asdfgh", intent="nlu_fallback"))
    assert "尊贵会员" not in texts[0]

    services.settings.vip_handoff_level = 1  # demo-003 (VIP 1) now reaches it
    _, texts, _ = await run(
        ActionFallback(), tracker("asdfgh", intent="nlu_fallback", customer="demo-003")
    )
    assert "尊贵会员" in texts[0]
    assert handoffs == []
