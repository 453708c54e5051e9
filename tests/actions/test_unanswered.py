"""A question said to have gone unanswered ("发票呢 刚问的你没回") is that question: answered,
not a request of the customer's own that needs a login."""

from __future__ import annotations

import pytest

from actions.invoice_form import ValidateInvoiceForm
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import run_with_domain
from tests.actions.test_follow_up import answered, said

BOTH = (
    "本店所有商品均为品牌授权正品，支持专柜验货，假一赔十。可提供发票作为购买凭证。\n"
    "可以。我们提供电子普通发票和增值税专用发票。"
)


@pytest.mark.parametrize(
    ("text", "lang"), [("发票呢 刚问的你没回", "zh"), ("發票呢 剛問的你沒回", "zh-Hant")]
)
async def test_a_question_said_unanswered_is_answered(services, text: str, lang: str) -> None:
    history = [said("你家东西是正品吗 能开发票不", "ask_faq"), answered(BOTH)]
    t = tracker(text, intent="request_invoice", customer=None, lang=lang, history=history)
    _, texts, _ = await run_with_domain(ValidateInvoiceForm(), t)
    assert texts and ("电子普通发票" in texts[0] or "電子普通發票" in texts[0]), texts
    assert not any("登录" in x or "登入" in x or "登錄" in x for x in texts)
