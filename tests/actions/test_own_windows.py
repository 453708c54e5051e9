"""A return or warranty window asked of a product the logged-in customer bought is answered from
that order's dates by its flow, not by the general rule (issue 11: "牛仔裤不想要了 还能七天无理由
不", ten days after delivery, was told "支持，7天内"); the repair flow says the order is in warranty
before it asks the fault; "退咗款未" read as a return is the refund's state."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions._flow_start import on_flow_start
from actions.faq import ActionAnswerFaq
from actions.order_forms import ValidateRepairForm
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import run_with_domain
from tests.actions.test_flows import run


def _followups(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


@pytest.mark.parametrize(
    ("text", "lang", "form"),
    [
        ("牛仔裤不想要了 还能七天无理由不", "zh", "return_form"),
        ("can i still return the sweater", "en", "return_form"),
        ("降噪耳机还在保修期内吗", "zh", "repair_form"),
        ("我對降噪耳機左邊冇聲 仲喺保養期內㗎嘛", "zh-Hant", "repair_form"),  # 保養期: HK's word
        # "降噪pro": the earbuds by a piece of their name and their model word; 修 the repair
        ("降噪pro右边耳朵不出声了 还能免费修吧", "zh", "repair_form"),
    ],
)
async def test_a_window_asked_of_an_own_product_runs_its_flow(
    services, text: str, lang: str, form: str
) -> None:
    events, _, _ = await run(ActionAnswerFaq(), tracker(text, intent="ask_faq", lang=lang))
    assert _followups(events) == [form]


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("牛仔裤不想要了 还能七天无理由不", None),  # a visitor: no order of theirs to read
        ("自行车不想要了 还能七天无理由不", "demo-001"),  # not a product they bought
        ("耳机保修期多久", "demo-001"),  # how long, not whether theirs still is: the rule
    ],
)
async def test_the_general_rule_otherwise(services, text: str, customer: str | None) -> None:
    events, texts, _ = await run(
        ActionAnswerFaq(), tracker(text, intent="ask_faq", customer=customer)
    )
    assert _followups(events) == [] and texts and texts[0]


async def test_the_repair_flow_says_the_warranty_before_it_asks_the_fault(services) -> None:
    t = tracker("降噪耳机还在保修期内吗", intent="request_repair", slots={"order_id": None})
    _, texts, _ = await run_with_domain(ValidateRepairForm(), t)
    assert any("在保修期内（至" in x and "免费维修" in x for x in texts), texts


async def test_refunded_yet_read_as_a_return_is_the_refunds_state(services) -> None:
    t = tracker("我嗰套陶瓷餐具退咗款未呀", intent="request_return", lang="zh-Hant")
    t.latest_message["intent"]["confidence"] = 0.67  # the NLU's reading, unsure
    events = await on_flow_start("return_form", CollectingDispatcher(), t, "aftersales")
    assert events is not None and _followups(events) == ["action_check_refund"]


async def test_a_price_drop_of_an_own_product_is_no_return(services) -> None:
    # "…便宜了二十 差价能退吗", which the NLU could not place (a return at 0.47): price
    # protection, which no flow performs — never the return flow (a return was filed on the
    # next message)
    from actions._order_routes import own_window_flow, product_followup

    text = "大前天签收的那条碎花连衣裙 今天一看便宜了二十 差价能退吗"
    t = tracker(text, intent="nlu_fallback")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "request_return", "confidence": 0.47},
    ]
    assert await product_followup(t) is None
    assert await own_window_flow(tracker(text, intent="ask_faq")) is None


async def test_the_quality_return_offered_is_taken_up_though_read_as_a_repair(services) -> None:
    history = [
        {"event": "user", "text": "深蓝27码那条裤子穿着不喜欢 签收十来天了 无理由退货还来得及吗"},
        {"event": "bot", "text": "订单 20231120007 于 11月26日 签收，已经 10 天，超过了七天无理由"
         "退货期限～如果商品有质量问题，签收15天内仍可申请退货：点“质量问题退货”并写明具体问题就可以"},
    ]  # fmt: skip
    t = tracker("其实拉链坏了拉不上去 这算质量问题吧", intent="request_repair", history=history)
    events = await on_flow_start("repair_form", CollectingDispatcher(), t, "aftersales")
    assert events is not None and _followups(events) == ["return_form"]
    reason = [e["value"] for e in events if e.get("name") == "return_reason"]
    assert reason[-1] == "其实拉链坏了拉不上去 这算质量问题吧"
    assert [e["value"] for e in events if e.get("name") == "order_id"][-1] == "20231120007"
