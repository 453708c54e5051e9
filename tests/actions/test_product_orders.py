"""A product named instead of an order id (actions/_products.py, actions/order_forms.py): the
order is found among the logged-in customer's own orders — one: used; several: the customer
picks; none: said so, then the order id is asked. Corrections ("sorry wrong number, I meant
2023…") continue the task before, not the flow the words sound like."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions._orders import fitting_first
from actions._products import Catalogue, asked_about, matching_orders
from actions._reading import asks_for_something
from actions.ask_order_id import ActionAskOrderId
from actions.fallback import ActionFallback
from actions.handoff import ActionOutOfScope
from actions.order_forms import (
    ValidateChangeForm,
    ValidatePaymentForm,
    ValidateRepairForm,
    ValidateReturnForm,
    ValidateShipmentForm,
)
from actions.refund import ActionCheckRefund
from shop import OrderStatus
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import run_with_domain
from tests.actions.test_flows import run


def _ids(orders: list[Any]) -> list[str]:
    return sorted(o.id for o in orders)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        # its colour or capacity, no item named
        ("500毫升那只雾蓝的 走到哪了", ["20231120004"]),
        ("曜石黑6代发出来一天了", ["20231120005"]),
        ("42码那双", ["20231120003"]),
        # the colour narrows two named orders to one: "白色短T" is the tee, not the white
        # humidifier; nicknames of kinds
        ("白色短T那单 码数拍小了 要M的", ["20231120001"]),
        ("粉紅色電動刷用咗一年幾", ["20231120014"]),
        ("那个4L喷雾机是不是已经到了", ["20231120012"]),
        # the order naming most of it: 4L and white are the humidifier's, white alone the tee's
        ("那台4L的白色机器 物流写着已经签收 可我根本没拿到", ["20231120012"]),
        # "蓝牙那副": Bluetooth alone names the earphones
        ("蓝牙那副买了俩月 左边那只突然没声了", ["20231120013"]),
        # a piece of its name and its model word: "降噪pro" is the "降噪蓝牙耳机 Pro"
        ("降噪pro右边耳朵不出声了", ["20231120013"]),
        # a description said as the thing: "那副降噪的", "降噪那副" are the noise-cancelling pair
        ("买了两个月的那副降噪的 右边那只一直有电流声 帮我走保修", ["20231120013"]),
        ("降噪那副的发票 公司名称写错了 要换开", ["20231120013"]),
    ],
)
async def test_an_order_named_by_its_colour_capacity_or_nickname(services, text, ids):
    own = await services.shop.recent_orders("demo-001", limit=20)
    assert _ids(matching_orders(text, own)) == ids


async def test_a_button_down_is_the_shirt(services):
    own = await services.shop.recent_orders("demo-002", limit=20)
    text = "the stitching on the sleeve of my button-down is coming apart"
    assert _ids(matching_orders(text, own)) == ["20231120022"]


async def test_the_product_named_finds_the_customers_own_order(services):
    own = await services.shop.recent_orders("demo-001", limit=20)
    assert _ids(matching_orders("我买的跑步鞋到哪了", own)) == ["20231120003"]
    assert _ids(matching_orders("T恤那单我付了钱", own)) == ["20231120001"]
    # Across languages: an English customer's "earbuds" is the Chinese item "降噪蓝牙耳机 Pro".
    assert _ids(matching_orders("my earbuds stopped working", own)) == ["20231120013"]
    english = await services.shop.recent_orders("demo-002", limit=20)
    assert _ids(matching_orders("hey where are my earbuds??", english)) == ["20231120021"]
    assert _ids(matching_orders("耳机到哪了", english)) == ["20231120021"]
    hant = await services.shop.recent_orders("demo-003", limit=20)
    assert _ids(matching_orders("我訂的燜燒罐什麼時候出貨", hant)) == ["20231120031"]
    # Taiwan's words: 洋裝 is the dress, 保溫瓶 the flask
    assert _ids(matching_orders("洋裝收到了 版型不適合想退貨", own)) == ["20231120006"]
    assert _ids(matching_orders("保溫瓶寄了沒", own)) == ["20231120004"]
    assert _ids(matching_orders("where's my thermos", own)) == ["20231120004"]
    assert matching_orders("where is my order", own) == []  # no product: nothing matched


async def test_a_status_question_naming_a_product_answers_for_that_order(services):
    events, texts, _ = await run_with_domain(
        ValidateShipmentForm(), tracker("我买的跑步鞋到哪了", intent="track_shipment")
    )
    assert {"event": "slot", "name": "order_id", "value": "20231120003"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert texts == []  # the form completes; the flow's final action answers


async def test_a_product_named_in_answer_to_which_order(services):
    t = _asked(ValidateShipmentForm.form, "the earbuds one", customer="demo-002", lang="en")
    events, _, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert ("order_id", "20231120021") in _slots(events)


async def test_another_customers_product_is_never_found(services):
    # demo-002 bought no running shoes; demo-001 did — nothing of demo-001's may show.
    t = tracker("我买的跑步鞋到哪了", intent="track_shipment", customer="demo-002")
    events, _, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert "order_id" not in dict(_slots(events))
    _, texts, dispatcher = await run_with_domain(ActionAskOrderId(), t)
    assert "没有找到这件商品的订单" in texts[0]
    shown = " ".join(b["title"] for m in dispatcher.messages for b in m.get("buttons") or [])
    assert "20231120021" in shown and "20231120003" not in shown and "跑步鞋" not in shown


async def test_several_orders_with_the_product_named_are_offered_to_pick(services):
    # "耳机和手环都到哪了": two products tracked at once — each order described
    # (actions._several_orders), none chosen for the flow
    t = tracker("耳机和手环都到哪了", intent="track_shipment", customer="demo-001")
    events, texts, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert dict(_slots(events)).get("order_id") is None
    assert "20231120005" in " ".join(texts) and "20231120013" in " ".join(texts)
    # asked which one (a flow that takes one order), both are offered to pick
    _, texts, dispatcher = await run_with_domain(ActionAskOrderId(), t)
    assert "哪一个" in texts[0]
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert sorted(payloads) == [
        '/inform{"order_id":"20231120005"}',
        '/inform{"order_id":"20231120013"}',
    ]


async def test_an_anonymous_customer_is_asked_for_the_order_id(services):
    t = tracker("T恤那单我付了钱 订单还显示没付款", intent="payment_problem", customer=None)
    events, _, _ = await run_with_domain(ValidatePaymentForm(), t)
    assert "order_id" not in dict(_slots(events))


async def test_a_correction_after_a_status_answer_continues_the_status_task(services):
    before = {
        "event": "user",
        "text": "has 20231120022 arrived yet",
        "parse_data": {"intent": {"name": "check_order_status", "confidence": 0.95}},
    }
    t = tracker(
        "sorry wrong number, I meant 20231120021",
        intent="change_order",
        customer="demo-002",
        lang="en",
        history=[before, {"event": "active_loop", "name": None}],
    )
    events, texts, _ = await run_with_domain(ValidateChangeForm(), t)
    assert texts == []  # not "it has already shipped, so it can't be changed"
    assert {"event": "followup", "name": "order_status_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


async def test_a_product_question_the_nlu_could_not_place_runs_its_tracking(services):
    t = tracker("hey where are my earbuds??", intent="nlu_fallback", customer="demo-002", lang="en")
    events, texts, _ = await run(ActionFallback(), t)
    assert texts == [] and events == [
        {"event": "followup", "timestamp": None, "name": "shipment_form"}
    ]
    # The form that follows finds the order by the product, though it is not fresh any more.
    t.events.append({"event": "action", "name": "action_fallback"})
    events, _, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert ("order_id", "20231120021") in _slots(events)
    # Anonymous: nobody's orders are searched; the usual "didn't get that" with a person.
    t = tracker("hey where are my earbuds??", intent="nlu_fallback", customer=None, lang="en")
    events, texts, _ = await run(ActionFallback(), t)
    assert not any(e.get("event") == "followup" for e in events) and texts


async def test_a_fault_of_an_own_product_said_without_asking_is_its_quality_return(services):
    # heldout22: "那件燕麦色的羊绒衫洗了一水 缩得跟童装似的" (product_inquiry, no FAQ answer): the
    # sweater's return for quality — the flow says what is still possible 20 days on
    t = tracker("那件燕麦色的羊绒衫洗了一水 缩得跟童装似的", intent="nlu_fallback")
    events, _, _ = await run(ActionFallback(), t)
    assert events == [{"event": "followup", "timestamp": None, "name": "return_form"}]


async def test_a_charge_described_with_the_request_is_not_asked_again(services):
    t = tracker("T恤那单我付了钱 支付宝都扣款了 订单还显示没付款？？", intent="payment_problem")
    events, _, _ = await run_with_domain(ValidatePaymentForm(), t)
    found = dict(_slots(events))
    assert found["order_id"] == "20231120001" and "扣款" in found["payment_detail"]


# ---------------------------------------------------------------------------------- helpers


def _slots(events: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return [(e["name"], e["value"]) for e in events if e.get("event") == "slot"]


def _asked(form: str, text: str, **kwargs: Any) -> Tracker:
    """The form asked for the order id; the customer answers with ``text``."""
    t = tracker(
        text,
        slots={"requested_slot": "order_id"},
        history=[{"event": "active_loop", "name": form}],
        **kwargs,
    )
    t.active_loop = {"name": form}
    return t


@pytest.mark.parametrize(
    ("text", "form", "intent", "order_id"),
    [
        # delivered 10 days ago: past the 7-day window, which the general FAQ would not say
        (
            "牛仔裤买了快两周了 不喜欢 还能退吗 没有质量问题 就是不想要了",
            "return",
            "request_return",
            "20231120007",
        ),
        ("毛衣起球起得厉害 买了二十来天了 还能退不", "return", "request_return", "20231120008"),
        # a 12-month warranty, delivered 60 / 400 days ago
        ("降噪耳机左耳没声音了 买了两个来月 能修吗", "repair", "request_repair", "20231120013"),
        ("电动牙刷充不进电了 还在保修吗 去年买的", "repair", "request_repair", "20231120014"),
    ],
)
async def test_a_general_sounding_question_about_a_product_they_bought_is_their_case(  # type: ignore[no-untyped-def]
    services, text, form, intent, order_id
):
    validate = ValidateReturnForm() if form == "return" else ValidateRepairForm()
    events, texts, _ = await run_with_domain(validate, tracker(text, intent=intent))
    assert ("order_id", order_id) in _slots(events)
    assert not any("7天内" in t for t in texts)  # not the general FAQ's "支持。签收之日起7天内…"
    assert not any(e.get("name") == "turn_handled" for e in events)  # the flow goes on
    # Nobody logged in: no order of theirs is known, the general answer is given.
    events, texts, _ = await run_with_domain(validate, tracker(text, intent=intent, customer=None))
    assert ("order_id", order_id) not in _slots(events) and texts


async def test_a_refund_asked_by_product_is_that_orders_refund(services):  # type: ignore[no-untyped-def]
    # demo-001: the pyjamas' refund is processing, the tableware's was paid 10 days ago; a
    # "not arrived yet" about the pyjamas must not get the tableware's "已于…原路退回".
    _, texts, _ = await run(
        ActionCheckRefund(), tracker("睡衣的退款怎么还没到帐 都申请好久了", intent="check_refund")
    )
    assert "20231120010" in texts[0] and "20231120011" not in texts[0]
    _, texts, _ = await run(ActionCheckRefund(), tracker("餐具的钱退了没", intent="check_refund"))
    assert "20231120011" in texts[0] and "20231120010" not in texts[0]
    # Worded like the general rule ("退款到帐没有啊 … 好几天了" ~ "退款多久到账"): still hers.
    _, texts, _ = await run(
        ActionCheckRefund(), tracker("睡衣的退款到帐没有啊 退了好几天了", intent="check_refund")
    )
    assert "20231120010" in texts[0] and "处理中" in texts[0]
    # A product bought but never refunded: said so for that order.
    _, texts, _ = await run(ActionCheckRefund(), tracker("牛仔裤退款到哪了", intent="check_refund"))
    assert "20231120007" in texts[0] and "没有查到退款" in texts[0]


async def test_an_order_named_by_the_last_digits_of_its_id(services):  # type: ignore[no-untyped-def]
    # "尾数是010": the order ending so, of her own (真丝 and 套装 name no product alone)
    _, texts, _ = await run(
        ActionCheckRefund(),
        tracker("香槟色真丝那套 尾数是010 昨天申请的退款走到哪一步了", intent="check_refund"),
    )
    assert "20231120010" in texts[0] and "20231120011" not in "".join(texts)
    # Another customer's order's digits find nothing of hers.
    _, texts, _ = await run(
        ActionCheckRefund(), tracker("尾号022那单退款了吗", intent="check_refund")
    )
    assert "20231120022" not in "".join(texts)


async def test_a_correction_by_product_continues_the_task_on_that_order(services):  # type: ignore[no-untyped-def]
    before = {
        "event": "user",
        "text": "查下保温杯物流",
        "parse_data": {"intent": {"name": "track_shipment", "confidence": 0.95}},
    }
    t = tracker(
        "不对 我说的是另一单 那个手环",
        intent="nlu_fallback",
        slots={"order_id": "20231120004"},  # the flask's order, from the turn before
        history=[before, {"event": "active_loop", "name": None}],
    )
    events, texts, _ = await run(ActionFallback(), t)
    assert texts == []
    assert [(e.get("event"), e.get("name"), e.get("value")) for e in events] == [
        ("slot", "order_id", "20231120005"),  # the bracelet's order, set before the flow
        ("followup", "shipment_form", None),
    ]
    # The tracking form that follows finds the bracelet's order from the same words.
    t = tracker(
        "不对 我说的是另一单 那个手环",
        intent="nlu_fallback",
        history=[before, {"event": "active_loop", "name": None}],
    )
    t.events.append({"event": "action", "name": "action_fallback"})
    events, _, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert ("order_id", "20231120005") in _slots(events)


async def test_of_two_likely_flows_the_one_the_words_name_is_run(services):  # type: ignore[no-untyped-def]
    t = tracker(
        "pls cancel my earbuds order, found them cheaper somewhere else",
        intent="nlu_fallback",
        customer="demo-002",
        lang="en",
    )
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "request_repair", "confidence": 0.40},
        {"name": "cancel_order", "confidence": 0.39},
    ]
    events, texts, _ = await run(ActionFallback(), t)
    assert texts == [] and [e.get("name") for e in events] == ["cancel_form"]


async def test_of_two_products_named_the_one_the_question_is_about_picks_the_order(services):  # type: ignore[no-untyped-def]
    # A story naming the tableware and the humidifier, the question about the tableware's
    # money: the NLU leans to a status (0.45), the words ask for the refund (0.11) — the
    # refund of the tableware's order is read, no picker of both.
    text = (
        "跟你讲 上个月买了套餐具 后来退掉了 这周又买了个加湿器 用着还不错 "
        "我就想知道 餐具的钱退回来了没 支付宝里没看见"
    )
    own = await services.shop.recent_orders("demo-001", limit=20)
    assert _ids(matching_orders(text, own)) == ["20231120011", "20231120012"]
    t = tracker(text, intent="nlu_fallback")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "check_order_status", "confidence": 0.45},
        {"name": "check_ticket", "confidence": 0.13},
        {"name": "check_refund", "confidence": 0.11},
    ]
    events, texts, _ = await run(ActionFallback(), t)
    assert texts == [] and [e.get("name") for e in events] == ["action_check_refund"]
    _, texts, dispatcher = await run(ActionCheckRefund(), tracker(text, intent="check_refund"))
    assert "20231120011" in texts[0] and "已于" in texts[0] and "20231120012" not in texts[0]
    assert not any("哪一个" in (m.get("text") or "") for m in dispatcher.messages)
    # Any flow: the order of the product the question is about is used, no picker.
    story = "加湿器收到了挺好用 上周还买了个降噪耳机 耳机怎么还没到"
    events, _, _ = await run_with_domain(
        ValidateShipmentForm(), tracker(story, intent="track_shipment")
    )
    assert ("order_id", "20231120013") in _slots(events)
    # English too: the clause with the question names the order.
    english = await services.shop.recent_orders("demo-002", limit=20)
    story = "got the linen shirt last week, love it. where are the earbuds though?"
    named = asked_about(story, matching_orders(story, english), asks_for_something)
    assert _ids(named) == ["20231120021"]
    # Asking about both (or neither clause asks): both stay, and the customer picks.
    both = "耳机和手环都到哪了"
    assert len(asked_about(both, matching_orders(both, own), asks_for_something)) == 2


async def test_the_products_a_customer_may_name_come_from_the_shops_own_products(services):  # type: ignore[no-untyped-def]
    # The demo shop's product names give the demo's words ("跑步鞋", "earbuds" for 耳机)...
    shop = Catalogue.of(await services.shop.product_names())
    assert "轻量缓震跑步鞋" in await services.shop.product_names()
    assert shop.names_a_product("我买的跑步鞋到哪了") and shop.names_a_product("my earbuds?")
    assert not shop.names_a_product("where is my order")
    # ...and another shop's products work without a word of code: an English head word, a
    # Chinese name's pieces, in both directions of the order match.
    other = Catalogue.of(["Yoga mat Pro", "轻薄笔记本电脑 14英寸"])
    assert other.names_a_product("where's my yoga mats") and other.names_a_product("笔记本到哪了")
    assert not other.names_a_product("我买的跑步鞋到哪了")
    own = await services.shop.recent_orders("demo-002", limit=20)
    mat = replace(own[0], id="20231129999", item="Yoga mat Pro")
    assert _ids(matching_orders("has my yoga mat shipped", [*own, mat])) == ["20231129999"]


async def test_an_order_named_with_a_task_the_words_name_runs_that_task(services):  # type: ignore[no-untyped-def]
    # "那单2023…发票抬头…要改": read as "inform" (0.57) with the invoice at 0.28 — the words
    # name the invoice, so its flow runs, not the order's status.
    t = tracker("20231120013那单的发票抬头写成个人了 麻烦改成公司的", intent="inform")
    t.latest_message["intent_ranking"] = [
        {"name": "inform", "confidence": 0.57},
        {"name": "request_invoice", "confidence": 0.28},
        {"name": "change_order", "confidence": 0.11},
    ]
    events, texts, _ = await run(ActionFallback(), t)
    assert texts == [] and [e.get("name") for e in events] == ["invoice_form"]


async def test_of_two_asking_parts_the_one_the_running_flow_takes_names_the_order(services):  # type: ignore[no-untyped-def]
    # "耳机发票开了没 还有我的鞋子到哪了" started the tracking flow: both parts ask something, and
    # the part the flow takes (到哪) names the running shoes — not a picker of shoes and earbuds.
    from actions._orders import orders_named

    t = tracker("耳机发票开了没 还有我的鞋子到哪了", intent="track_shipment")
    assert len(await orders_named(services, t) or []) == 2  # no flow running: both
    t.active_loop = {"name": "shipment_form"}
    assert _ids(await orders_named(services, t) or []) == ["20231120003"]
    t.active_loop = {"name": "invoice_form"}
    assert _ids(await orders_named(services, t) or []) == ["20231120013"]


async def test_an_exchange_asked_of_an_own_product_gets_the_exchange_rule(services):
    # "can i swap the shirt for an L" (the NLU unsure: a return 0.49): the exchange rule, never
    # a return form asking the reason of a return nobody asked for
    t = tracker("can i swap the shirt for an L instead of M", intent="nlu_fallback",
                customer="demo-002", lang="en")  # fmt: skip
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "request_return", "confidence": 0.49},
    ]
    events, texts, _ = await run(ActionFallback(), t)
    assert not any(e.get("event") == "followup" for e in events)
    assert "exchange" in texts[0].lower()


async def test_a_wrong_item_of_an_own_product_gets_the_wrong_item_rule(services, handoffs):
    # "连衣裙发错了 收到个黑色M": photos and a reship, exchange or refund — not the dress's
    # status; then "照片我都拍好了" is where they go, with a person one tap away (no miss)
    t = tracker("连衣裙发错了 我买的米白S 收到个黑色M", intent="nlu_fallback")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "check_order_status", "confidence": 0.4},
    ]
    events, texts, _ = await run(ActionFallback(), t)
    assert not any(e.get("event") == "followup" for e in events)
    assert "上传照片" in texts[0]
    history = [
        {"event": "user", "text": "连衣裙发错了 我买的米白S 收到个黑色M",
         "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.5}}},
        {"event": "bot", "text": texts[0]},
    ]  # fmt: skip
    _, texts, dispatcher = await run(
        ActionFallback(),
        tracker("照片我都拍好了 吊牌都没拆", intent="nlu_fallback", history=history),
    )
    assert "申请售后" in texts[0] and "没太理解" not in texts[0]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"
    assert handoffs == []


@pytest.mark.parametrize(
    ("action", "text", "intent", "customer", "order_id"),
    [
        (ActionFallback(), "燜燒壺怎麼到現在都還沒寄來", "nlu_fallback", "demo-003", "20231120031"),
        (ActionOutOfScope(), "霧藍嘅水杯等到頸都長埋 仲係未到", "out_of_scope", "demo-001",
         "20231120004"),
    ],
)  # fmt: skip
async def test_an_own_product_not_here_yet_is_its_tracking(
    services, action, text, intent, customer, order_id
):
    t = tracker(text, intent=intent, customer=customer, lang="zh-Hant")
    events, _, _ = await run(action, t)
    # the form finds the order by the product named (its prefill: tests above)
    assert ("followup", "shipment_form") in {(e.get("event"), e.get("name")) for e in events}
    own = await services.shop.recent_orders(customer, limit=20)
    assert _ids(matching_orders(text, own)) == [order_id]


async def test_an_own_products_money_come_back_is_its_refund(services):
    # Cantonese "D錢返咗嚟未": has the money come back — the tableware's refund, not its warranty
    t = tracker("北歐風嘅瓷碗套裝 D錢返咗嚟未", intent="nlu_fallback", lang="zh-Hant")
    events, texts, _ = await run(ActionFallback(), t)
    followups = [e.get("name") for e in events if e.get("event") == "followup"]
    assert followups == ["action_check_refund"] or any("已退款" in x for x in texts)


async def test_a_repair_offers_the_delivered_orders_under_warranty_first(services):
    own = await services.shop.recent_orders("demo-001", limit=20)
    covered = [o.id for o in own if o.status == OrderStatus.DELIVERED and o.warranty_months > 0]
    offered = [o.id for o in fitting_first("repair_form", own)]
    # the earbuds (12 months) before the jeans and the dress, delivered too but not covered
    assert "20231120013" in covered and offered[: len(covered)] == covered


async def test_a_cancelled_orders_money_asked_of_the_refunds(services):  # type: ignore[no-untyped-def]
    # demo-001's picture books (20231120009) were cancelled; no refund request exists for them:
    # where the money goes, not "no refund record yet"
    _, texts, _ = await run(
        ActionCheckRefund(),
        tracker("童书那套订单是不是没了 钱给我退回去了没", intent="check_refund"),
    )
    assert "20231120009 已取消" in texts[0] and "原路退回" in texts[0]
