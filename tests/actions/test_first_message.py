"""A flow does not ask again for what the customer already said (issue 11): the return's
reason, the repair's fault, the invoice's type and title and the new address, given in the
message that starts the flow, fill their slots; a message without them still gets the
question."""

from __future__ import annotations

from typing import Any

from actions.invoice_form import ValidateInvoiceForm
from actions.order_forms import (
    ValidateChangeForm,
    ValidateRepairForm,
    ValidateReturnForm,
)
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import run_with_domain
from tests.actions.test_flows import slot


def _start(text: str, intent: str, order_id: str, lang: str = "zh") -> Any:
    # The first message of the flow, its order id already taken by Rasa's entity mapping.
    return tracker(text, intent=intent, slots={"order_id": order_id}, lang=lang)


def _values(events: list[dict[str, Any]], name: str) -> list[Any]:
    return [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]


async def test_a_return_reason_in_the_first_message_is_not_asked_again(services):
    for text, order, lang, reason in (
        ("20231120006那条裙子尺码不合适 想退货", "20231120006", "zh", "尺码不合适"),
        ("the linen shirt is too big for me, can i send it back? order 20231120022",
         "20231120022", "en", "too big"),
        ("那條裙子太大了 想退貨 20231120006", "20231120006", "zh-Hant", "太大"),
    ):  # fmt: skip
        customer = "demo-002" if order == "20231120022" else "demo-001"
        t = _start(text, "request_return", order, lang)
        t.latest_message["metadata"]["customer_id"] = customer
        events, _, _ = await run_with_domain(ValidateReturnForm(), t)
        assert reason in slot(events, "return_reason"), text
    events, _, _ = await run_with_domain(
        ValidateReturnForm(), _start("我要退货 20231120006", "request_return", "20231120006")
    )
    assert _values(events, "return_reason") == []  # the form asks for it


async def test_a_fault_in_the_first_message_is_not_asked_again(services):
    events, _, _ = await run_with_domain(
        ValidateRepairForm(),
        _start("耳机左边没声音了 还在保修吗 20231120013", "request_repair", "20231120013"),
    )
    assert "左边没声音" in slot(events, "fault_description")


async def test_a_personal_invoice_in_the_first_message_is_not_asked_again(services):
    events, _, _ = await run_with_domain(
        ValidateInvoiceForm(),
        _start("20231120007 能开个发票吗 个人的就行", "request_invoice", "20231120007"),
    )
    assert slot(events, "invoice_title") == "个人"
    assert slot(events, "invoice_type") == "电子普通发票"


async def test_a_new_address_in_the_first_message_is_not_asked_again(services):
    events, _, _ = await run_with_domain(
        ValidateChangeForm(),
        _start(
            "20231120002的收货地址改成上海市徐汇区漕溪北路88号，人和电话不变",
            "change_order",
            "20231120002",
        ),
    )
    assert _values(events, "change_detail") == ["上海市徐汇区漕溪北路88号"]
