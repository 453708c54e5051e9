"""An anonymous visitor is never asked for an order number the bot could not look up (README,
"Known customers"): the flow's question is "please log in", and a phone or a name typed after
that is told why it cannot do instead."""

from __future__ import annotations

from actions._orders import LOG_IN
from actions.ask_order_id import ActionAskOrderId
from actions.fallback import ActionFallback
from kefu.i18n import to_traditional
from tests.actions.conftest import tracker
from tests.actions.test_follow_up import answered, run, said


async def test_an_anonymous_visitor_is_asked_to_log_in_not_for_an_order_number(services) -> None:
    _, texts = await run(ActionAskOrderId(), tracker("我的快递到哪了", customer=None))
    assert texts == [LOG_IN[0]] and "订单号" not in texts[0]
    _, english = await run(
        ActionAskOrderId(), tracker("where is my parcel", customer=None, lang="en")
    )
    assert english == [LOG_IN[1]]


async def test_a_phone_typed_after_please_log_in_is_told_why_not(services) -> None:
    history = [said("帮我查下20231120003到哪了", "track_shipment"), answered(LOG_IN[0])]
    t = tracker("我手机号13812345678 这样能查吗", customer=None, history=history)
    _, texts = await run(ActionAskOrderId(), t)
    assert "手机号没法核实身份" in texts[0] and "订单号" not in texts[0]


async def test_a_logged_in_customer_is_still_asked_which_order(services) -> None:
    _, texts = await run(ActionAskOrderId(), tracker("我的快递到哪了"))
    assert "哪一个订单" in texts[0]


async def test_a_visitors_question_a_flow_took_is_answered_before_please_log_in(services) -> None:
    t = tracker(
        "衣服穿起來尺寸不合 還沒剪標 可以退嗎",
        intent="request_return",
        customer=None,
        lang="zh-Hant",
    )
    _, texts = await run(ActionAskOrderId(), t)
    assert len(texts) == 2 and "7天" in texts[0] and texts[1] == to_traditional(LOG_IN[0])
    # their own parcel's state is no rule: please log in, alone
    t = tracker("where is my parcel", intent="track_shipment", customer=None, lang="en")
    _, texts = await run(ActionAskOrderId(), t)
    assert texts == [LOG_IN[1]]


async def test_a_phone_typed_after_please_log_in_is_told_why_not_in_the_fallback(
    services,
) -> None:
    # no longer an order id (a mainland mobile number), the message reaches the fallback, whose
    # knowledge base finds the privacy FAQ for it: the reason a phone cannot do comes first
    history = [said("帮我查下20231120003到哪了", "track_shipment"), answered(LOG_IN[0])]
    t = tracker("我手机号13812345678 这样能查吗", intent="nlu_fallback", customer=None,
                history=history)  # fmt: skip
    _, texts = await run(ActionFallback(), t)
    assert "手机号没法核实身份" in texts[0], texts
