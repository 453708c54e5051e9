"""The invoice flow stores the title, not the customer's sentence (issue 11): "正确的抬头是
上海某某网络科技有限公司" is a correction to that company's name; a reply with no title in it
is asked again."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.invoice_form import ValidateInvoiceForm
from tests.actions.test_flow_turns import in_form, run_with_domain
from tests.actions.test_flows import slot


def _waiting(text: str) -> Any:
    t = in_form("invoice_form", text, order_id="20231120013", requested_slot="invoice_title")
    t.slots["invoice_title"] = text  # Rasa's from_text mapping fills the slot with the text
    return t


async def test_the_title_is_read_out_of_the_sentence(services):
    for text, title in (
        ("正确的抬头是 上海某某网络科技有限公司", "上海某某网络科技有限公司"),
        ("抬头应该是：北京星辰科技有限公司，麻烦了", "北京星辰科技有限公司"),
        ("The title should be Acme Trading Co., Ltd.", "Acme Trading Co., Ltd."),
        ("个人就行", "个人"),
        ("上海张江科技有限公司", "上海张江科技有限公司"),
    ):
        events, _, _ = await run_with_domain(ValidateInvoiceForm(), _waiting(text))
        assert slot(events, "invoice_title") == title, text
        # A correction keeps the invoice's type: nothing more is asked.
        assert slot(events, "requested_slot") is None, text


async def test_no_title_in_the_reply_asks_again(services):
    d = CollectingDispatcher()
    result = await ValidateInvoiceForm().validate_invoice_title(
        "抬头开错了 怎么办", d, _waiting("抬头开错了 怎么办"), {}
    )
    assert result == {"invoice_title": None}
