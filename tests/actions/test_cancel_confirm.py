"""The cancel flow's confirmation (issue 11): a plain yes typed inside the waiting
confirmation confirms ("嗯 确定取消" is not the FAQ on how to cancel), a plain no keeps the
order, and the question promises a refund only for an order that was paid."""

from __future__ import annotations

from actions.cancel import ActionAskCancelConfirmed
from actions.order_forms import ValidateCancelForm
from tests.actions.test_flow_turns import in_form, run_with_domain
from tests.actions.test_flows import run, slot


async def test_a_typed_yes_confirms_the_waiting_cancellation(services):
    for text, intent in (
        ("嗯 确定取消", "ask_faq"),
        ("好的 取消吧", "cancel_order"),
        ("行 那确定撤单", "cancel_order"),  # heldout16: 撤单 is the cancel
    ):
        t = in_form(
            "cancel_form",
            text,
            intent=intent,
            order_id="20231120001",
            requested_slot="cancel_confirmed",
        )
        events, texts, _ = await run_with_domain(ValidateCancelForm(), t)
        assert texts == [] and slot(events, "cancel_confirmed") is True
    t = in_form(
        "cancel_form", "不取消了", order_id="20231120001", requested_slot="cancel_confirmed"
    )
    events, _, _ = await run_with_domain(ValidateCancelForm(), t)
    assert slot(events, "cancel_confirmed") is False


async def test_a_question_inside_the_confirmation_is_not_a_yes(services):
    t = in_form(
        "cancel_form",
        "取消以后多久退款？",
        intent="ask_faq",
        order_id="20231120002",
        requested_slot="cancel_confirmed",
    )
    events, _, _ = await run_with_domain(ValidateCancelForm(), t)
    assert not any(e.get("name") == "cancel_confirmed" and e.get("value") for e in events)


async def test_the_confirmation_mentions_a_refund_only_for_a_paid_order(services):
    from tests.actions.conftest import tracker

    _, unpaid, d = await run(
        ActionAskCancelConfirmed(), tracker("", slots={"order_id": "20231120001"})
    )
    _, paid, _ = await run(
        ActionAskCancelConfirmed(), tracker("", slots={"order_id": "20231120002"})
    )
    _, paid_en, _ = await run(
        ActionAskCancelConfirmed(), tracker("", slots={"order_id": "20231120002"}, lang="en")
    )
    assert "20231120001" in unpaid[0] and "退" not in unpaid[0]
    # the order's item and state: "还没发货吧 我在犹豫要不要取消" decides on what the shop says
    assert "羊毛大衣" in paid[0] and "已付款，待发货" in paid[0] and "待付款" in unpaid[0]
    assert "paid, waiting to be shipped" in paid_en[0]
    assert "¥599.00" in paid[0] and "原路退回" in paid[0]
    assert "¥599.00" in paid_en[0] and "original payment" in paid_en[0]
    assert [b["payload"] for b in d.messages[0]["buttons"]] == ["/affirm", "/deny"]
