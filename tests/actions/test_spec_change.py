"""A size or colour change (issue 11) is answered as a change, whatever flow the NLU picked:
"20231120002 大衣尺码拍错了 要L的 不是M" read as an order-status question got the status line.
The answer fits the order's state, and promises a refund only when the order was paid."""

from __future__ import annotations

import pytest

from actions._answers import read_change_detail, wants_spec_change
from actions.change import ActionChangeOrder
from actions.order_status import ActionCheckOrderStatus
from tests.actions.conftest import tracker
from tests.actions.test_flows import run


async def test_a_size_change_read_as_a_status_question_gets_the_change_answer(services):
    text = "20231120002 大衣尺码拍错了 要L的 不是M"
    _, texts, d = await run(
        ActionCheckOrderStatus(),
        tracker(text, intent="check_order_status", slots={"order_id": "20231120002"}),
    )
    assert "取消" in texts[0] and "重新" in texts[0] and "原路退回" in texts[0]
    assert "仓库正在为您打包" not in texts[0]
    assert d.messages[0]["buttons"][0]["payload"] == "/cancel_order"
    _, plain, _ = await run(
        ActionCheckOrderStatus(),
        tracker("我的大衣发货了吗", intent="check_order_status", slots={"order_id": "20231120002"}),
    )
    assert "仓库正在为您打包" in plain[0]


async def test_the_change_answer_fits_the_orders_state(services):
    def change(order_id: str):  # type: ignore[no-untyped-def]
        slots = {"order_id": order_id, "change_detail": "尺码拍错了 想换成M码"}
        return run(ActionChangeOrder(), tracker("", slots=slots))

    _, unpaid, _ = await change("20231120001")
    _, shipped, d = await change("20231120003")
    assert "取消" in unpaid[0] and "退回" not in unpaid[0]
    assert "已经发货" in shipped[0] and "退货" in shipped[0]
    assert d.messages[0]["buttons"][0]["payload"] == "/request_return"


@pytest.mark.parametrize(
    "text",
    ["大衣拍了M 想换成L 还没发货能改吗", "鞋子买了42码 想换43码", "I want to change the size to L"],
)
def test_a_size_bought_or_wished_for_is_a_spec_change(text: str) -> None:
    # "拍了M 想换成L" (no 码, no 尺码) was read as an address change and asked for the address
    assert wants_spec_change(text) and read_change_detail(text)


@pytest.mark.parametrize("text", ["地址要改一下", "换成上海的地址", "帮我改下手机号"])
def test_an_address_or_phone_change_is_none(text: str) -> None:
    assert not wants_spec_change(text)


async def test_a_size_wish_is_never_stored_as_the_address(services) -> None:
    # "大衣拍了M 想换成L 还没发货能改吗" once became the coat's delivery address
    slots = {"order_id": "20231120002", "change_detail": "大衣拍了M 想换成L 还没发货能改吗"}
    _, texts, _ = await run(ActionChangeOrder(), tracker("", slots=slots))
    assert "取消" in texts[0] and "地址已更新" not in texts[0]
    slots = {"order_id": "20231120002", "change_detail": "就那个 你懂的"}
    _, texts, _ = await run(ActionChangeOrder(), tracker("", slots=slots))
    assert "地址已更新" not in texts[0] and "完整的新收货地址" in texts[0]
    order = await services.shop.order("demo-001", "20231120002")
    assert order is not None and "你懂的" not in order.address and "拍了M" not in order.address
