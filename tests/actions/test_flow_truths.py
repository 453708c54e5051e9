"""Order flows say the one thing that is true of the order (issue 11): a shipped order is not
"shipped (or cancelled)", an unpaid one is not "unpaid or cancelled"."""

from __future__ import annotations

from actions.change import ActionChangeOrder
from actions.invoice import ActionRequestInvoice
from actions.returns import ActionRequestReturn
from tests.actions.conftest import tracker
from tests.actions.test_flows import run

SHIPPED, CANCELLED, UNPAID, PAID = "20231120003", "20231120009", "20231120001", "20231120002"


async def test_change_says_shipped_or_cancelled_whichever_is_true(services):
    detail = "北京市海淀区中关村大街27号"
    _, shipped, _ = await run(
        ActionChangeOrder(), tracker("", slots={"order_id": SHIPPED, "change_detail": detail})
    )
    _, cancelled, _ = await run(
        ActionChangeOrder(), tracker("", slots={"order_id": CANCELLED, "change_detail": detail})
    )
    assert "已经发货" in shipped[0] and "取消" not in shipped[0]
    assert "已经取消" in cancelled[0] and "发货" not in cancelled[0]
    _, english, _ = await run(
        ActionChangeOrder(),
        tracker("", slots={"order_id": SHIPPED, "change_detail": detail}, lang="en"),
    )
    assert "shipped" in english[0] and "cancelled" not in english[0]


async def test_return_says_why_it_cannot_be_returned_yet(services):
    _, in_transit, _ = await run(ActionRequestReturn(), tracker("", slots={"order_id": SHIPPED}))
    _, cancelled, _ = await run(ActionRequestReturn(), tracker("", slots={"order_id": CANCELLED}))
    _, not_shipped, _ = await run(ActionRequestReturn(), tracker("", slots={"order_id": PAID}))
    assert "运输中" in in_transit[0] and "取消" not in in_transit[0]
    assert "已经取消" in cancelled[0] and "签收" not in cancelled[0]
    assert "还没有发货" in not_shipped[0] and "已取消" not in not_shipped[0]


async def test_invoice_says_unpaid_or_cancelled_whichever_is_true(services):
    _, unpaid, _ = await run(ActionRequestInvoice(), tracker("", slots={"order_id": UNPAID}))
    _, cancelled, _ = await run(ActionRequestInvoice(), tracker("", slots={"order_id": CANCELLED}))
    assert "未付款" in unpaid[0] and "取消" not in unpaid[0]
    assert "已取消" in cancelled[0] and "付款" not in cancelled[0]
