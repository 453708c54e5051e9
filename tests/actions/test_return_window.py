"""A no-reason return after the 7-day window (issue 11): the reason the customer taps is the
answer to the form's question (not the FAQ on 七天无理由, with the question asked again), and
the reply says the order is past the window, since which date, and what is still possible."""

from __future__ import annotations

from actions.order_forms import ValidateReturnForm
from actions.returns import ActionRequestReturn
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import in_form, run_with_domain
from tests.actions.test_flows import run, slot

LATE = "20231120007"  # delivered 10 days ago


async def test_the_tapped_reason_answers_the_waiting_question(services):
    t = in_form(
        "return_form",
        "七天无理由退货",
        intent="ask_faq",
        order_id=LATE,
        requested_slot="return_reason",
    )
    events, texts, _ = await run_with_domain(ValidateReturnForm(), t)
    assert texts == [] and slot(events, "return_reason") == "七天无理由退货"


async def test_past_the_no_reason_window_says_since_when_and_what_is_possible(services):
    order = await services.shop.order("demo-001", LATE)
    got = order.delivered_at
    _, texts, d = await run(
        ActionRequestReturn(),
        tracker("", slots={"order_id": LATE, "return_reason": "七天无理由退货"}),
    )
    assert "超过" in texts[0] and f"{got.month}月{got.day}日" in texts[0]
    assert "质量问题" in texts[0] and "人工" in texts[0]
    assert "/request_human" in [b["payload"] for b in d.messages[0]["buttons"]]
    _, english, _ = await run(
        ActionRequestReturn(),
        tracker("", slots={"order_id": LATE, "return_reason": "no reason"}, lang="en"),
    )
    assert got.date().isoformat() in english[0] and "7-day" in english[0]


async def test_an_order_on_its_way_is_told_when_it_can_be_returned(services):
    # "耳机到了以后能七天无理由退吗" of a shipped order: not yet, and then 7 days
    slots = {"order_id": "20231120003", "return_reason": "不想要了"}
    _, texts, _ = await run(ActionRequestReturn(), tracker("到了以后能七天无理由退吗", slots=slots))
    assert "还在运输中" in texts[0] and "签收后7天内" in texts[0]


async def test_a_quality_problem_after_the_offer_is_that_return_not_a_complaint(services, handoffs):
    from actions.complaint import ActionFileComplaint
    from tests.actions.test_follow_up import answered, said

    past = (
        "订单 20231120007 于 11月26日 签收，已经 10 天，超过了七天无理由退货期限～如果"
        "商品有质量问题，签收15天内仍可申请退货：点“质量问题退货”并写明具体问题就可以"
    )
    history = [said("牛仔裤不想要了 还能七天无理由不", "ask_faq"), answered(past)]
    t = tracker("其实是质量问题 裤脚开线了", intent="file_complaint", history=history)
    events, _, _ = await run(ActionFileComplaint(), t)
    assert handoffs == [] and slot(events, "order_id") == LATE
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["return_form"]
    angry = tracker("质量这么差 裤脚都开线了 气死我了", intent="file_complaint", history=history)
    await run(ActionFileComplaint(), angry)  # anger is a complaint
    assert [h["reason"] for h in handoffs] == ["complaint"]
