"""``action_ask_order_id`` (actions/ask_order_id.py) on the real SQL shop: the orders the running
flow can act on are offered first."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.ask_order_id import ActionAskOrderId
from tests.actions.conftest import tracker


async def offered(form: str, text: str = "我要申请退货") -> list[str]:
    t = tracker(text, intent="request_return")
    t.active_loop = {"name": form}
    dispatcher = CollectingDispatcher()
    await ActionAskOrderId().run(dispatcher, t, {})
    return [b["title"] for b in dispatcher.messages[0]["buttons"]]


@pytest.mark.parametrize(("form", "state"), [("return_form", "已签收"), ("cancel_form", "待付款")])
async def test_the_orders_the_flow_can_act_on_come_first(services, form: str, state: str) -> None:
    titles = await offered(form)
    assert titles and state in titles[0]
    assert len(titles) <= 5


async def test_a_return_offers_a_delivered_order_among_many_on_their_way(services) -> None:
    # demo-001's five newest orders are unpaid, paid or shipped; the delivered ones are older.
    titles = await offered("return_form")
    assert any("连衣裙" in t for t in titles), titles


@pytest.mark.parametrize(
    ("form", "lang", "said"),
    [
        ("change_form", "zh", "请问要修改的是哪一个订单呢"),
        ("cancel_form", "en", "Which order is it to cancel?"),
    ],
)
async def test_asking_which_order_says_what_it_is_for(
    services, form: str, lang: str, said: str
) -> None:
    t = tracker("那筆訂單收件電話要換一下", intent="change_order", lang=lang)
    t.active_loop = {"name": form}
    dispatcher = CollectingDispatcher()
    await ActionAskOrderId().run(dispatcher, t, {})
    assert said in dispatcher.messages[0]["text"]
