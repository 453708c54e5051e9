"""A parcel shown as delivered that the customer never got is a logistics dispute for a person
(issue 11), even when the NLU reads the message as a refund question: not "no refund records".
A refund that has not arrived stays a refund answer."""

from __future__ import annotations

from actions.refund import ActionCheckRefund
from tests.actions.conftest import tracker
from tests.actions.test_flows import run, slot


async def test_delivered_but_not_received_read_as_refund_goes_to_a_person(services, handoffs):
    events, texts, _ = await run(
        ActionCheckRefund(),
        tracker(
            "加湿器显示签收了可我根本没收到啊！！20231120012",
            intent="check_refund",
            slots={"order_id": "20231120012"},
        ),
    )
    assert not any("退款记录" in t for t in texts)
    assert [p["reason"] for p in handoffs] == ["flow_needs_human"]
    assert handoffs[0]["skill_group"] == "aftersales"
    assert slot(events, "handoff_reason") == "flow_needs_human"


async def test_a_refund_not_arrived_is_still_a_refund_answer(services, handoffs):
    _, texts, _ = await run(
        ActionCheckRefund(),
        tracker(
            "退款显示退回了但我还没收到钱 20231120011",
            intent="check_refund",
            slots={"order_id": "20231120011"},
        ),
    )
    assert handoffs == [] and "¥219.00" in texts[0]
