"""Stop 27's readings: Cantonese and Taiwan words through ``kefu.mandarin``, a question about
the agents' hours, a tax id that is no order id, a refund's channel named after its state, the
tracking number asked for, the warranty of an order not yet delivered, the return window said
before the reason is asked, and a product follow-up whose own words name another task."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions._answers import read_fault, read_invoice_title
from actions._flow_start import on_flow_start
from actions._follow_up import decide_in_context
from actions._reading import ORDER_ID
from actions._refund_channel import refund_channel_query
from actions._text import asks_about_agent_hours, asks_for_person
from actions._two_questions import words_flow
from actions.handoff import ActionRequestHuman
from actions.order_forms import ValidateReturnForm
from actions.order_status import ActionTrackShipment, asks_tracking_number
from actions.repair import ActionRequestRepair
from tests.actions.conftest import tracker
from tests.actions.test_follow_up import run, said


def test_cantonese_words_name_what_the_mandarin_ones_do() -> None:
    assert asks_for_person("但係我張卡到而家都冇收到錢喎 搵個真人同我跟進吖唔該")
    assert words_flow("我對跑鞋寄咗未呀") == "order_status_form"  # 寄咗未 = 寄了没有
    assert words_flow("我隻手環寄咗未呀 幾時到") == "shipment_form"  # 幾時到 = 什么时候到
    assert read_fault("耳机左耳突然没声了 能修不")
    assert read_fault("藍牙耳機的充電盒壞掉了")
    assert (
        read_fault("我對降噪耳機左邊冇聲 仲喺保養期內㗎嘛") == "我對降噪耳機左邊冇聲"
    )  # 冇聲 = 没有声


@pytest.mark.parametrize(
    ("text", "about_hours"),
    [
        ("客服幾點有真人在", True),
        ("人工客服几点上班", True),
        ("when are your agents online", True),
        ("给我转人工", False),
        ("你们几点发货", False),
    ],
)
def test_a_question_about_the_agents_hours(text: str, about_hours: bool) -> None:
    assert asks_about_agent_hours(text) is about_hours


async def test_the_agents_hours_are_answered_though_the_nlu_read_a_request(
    services, handoffs
) -> None:
    _, texts = await run(
        ActionRequestHuman(), tracker("客服幾點有真人在", intent="request_human", lang="zh-Hant")
    )
    assert handoffs == [] and "22:00" in "".join(texts)
    await run(ActionRequestHuman(), tracker("给我转人工", intent="request_human"))
    assert [h["reason"] for h in handoffs] == ["explicit_request"]


def test_a_tax_id_is_no_order_id() -> None:
    assert not ORDER_ID.search("抬头 杭州青禾贸易有限公司 税号 91330106MA2KX3L07P")
    assert not ORDER_ID.search("Northwind Trading Co Ltd, tax no 91110105MA01RK2Q3X")
    assert ORDER_ID.search("订单20231120001呢") and ORDER_ID.search("2023 1120 005")


def test_words_about_an_invoice_are_no_company_title() -> None:
    assert read_invoice_title("耳机那张发票公司名少打了个字 能重新开吗") is None
    title = read_invoice_title("上海某某科技股份有限公司 税号91310000MA1FL0XX0X", whole=True)
    assert title == "上海某某科技股份有限公司"


REFUND_STATE = "订单 20231120010 的退款 ¥329.00 正在处理中，预计 12月8日 前原路退回～"


@pytest.mark.parametrize(
    ("text", "lang", "fact"),
    [
        ("我係用支付寶俾嘅", "zh-Hant", "1–3"),
        ("我是银行卡付的", "zh", "3–7"),
        ("paid w alipay. how long once its done", "en", "1–3"),
    ],
)
async def test_a_channel_named_after_a_refunds_state_asks_when_it_arrives(
    services, text: str, lang: str, fact: str
) -> None:
    decision = await decide_in_context(
        services, text, "ask_faq", lang, "睡衣那笔退款到哪了", REFUND_STATE
    )
    assert decision.source == "kb" and decision.hit is not None
    assert fact in decision.hit.answer
    # Without the refund just spoken of, the channel alone asks nothing about its arrival.
    assert refund_channel_query(text, "") is None


def test_a_charges_details_are_no_refund_channel() -> None:
    double = "重复支付的款项系统会在24小时内自动原路退回"
    assert refund_channel_query("今天上午十点 微信 599扣了两次", double) is None
    assert refund_channel_query("今天上午十点 微信 599扣了两次", REFUND_STATE) is None


async def test_the_tracking_number_asked_for_is_given_alone(services) -> None:
    assert asks_tracking_number("单号发我一下 我自己查")
    assert not asks_tracking_number("订单号是多少")
    _, texts = await run(
        ActionTrackShipment(),
        tracker("单号发我一下 我自己查", slots={"order_id": "20231120003"}),
    )
    assert "SF14021120003" in texts[0] and "顺丰" in texts[0] and "【" not in texts[0]


async def test_an_order_not_yet_delivered_is_told_its_warranty(services) -> None:
    _, texts = await run(
        ActionRequestRepair(),
        tracker(
            "the earbuds come w 1 yr warranty right?", lang="en", slots={"order_id": "20231120005"}
        ),
    )
    assert "12-month warranty" in texts[0] and "hasn't been delivered" in texts[0]


async def test_the_return_window_is_said_before_the_reason_is_asked(services) -> None:
    form = ValidateReturnForm()
    d = CollectingDispatcher()
    t = tracker("连衣裙还能退吗", slots={"requested_slot": "order_id"})
    result = await form.validate_order_id("20231120006", d, t, {})
    assert result["order_id"] == "20231120006"
    assert "签收3天" in d.messages[0]["text"] and "7天无理由退货期内" in d.messages[0]["text"]
    # Past the 7 days (jeans, 10 days): said so, and only a quality problem may still be
    # returned — nothing is promised before the reason is known.
    d = CollectingDispatcher()
    await form.validate_order_id("20231120007", d, t, {})
    said_ = d.messages[0]["text"]
    assert "签收10天" in said_ and "超过了7天无理由退货期" in said_ and "质量问题" in said_
    assert "在7天无理由退货期内" not in said_
    # Past the 15 days (sweater, 20 days): nothing here; the flow says why it cannot.
    d = CollectingDispatcher()
    await form.validate_order_id("20231120008", d, t, {})
    assert d.messages == []


async def test_a_product_follow_up_naming_its_own_task_runs_that_task(services) -> None:
    history = [said("where is order 20231120021", "track_shipment")]
    t = tracker(
        "那件衬衫可以开发票吗",
        intent="request_invoice",
        customer="demo-002",
        slots={"order_id": "20231120021"},
        history=history,
    )
    events = await on_flow_start("invoice_form", CollectingDispatcher(), t, "aftersales")
    assert not any(e.get("event") == "followup" for e in events or [])


async def test_an_item_that_arrived_broken_gets_the_damage_rule(services) -> None:
    from actions._decide import decide_with_kb, no_flow_service

    text = "快递到了箱子压扁了 里面的杯子碎了😭"
    assert no_flow_service(text)
    assert not no_flow_service("耳机坏了 能修吗")  # a fault, the repair flow's
    decision = await decide_with_kb(services, text, "track_shipment", "zh")
    assert decision.source == "kb" and decision.hit is not None
    assert "48小时" in decision.hit.answer


async def test_a_product_with_status_words_runs_the_status_not_the_nlus_weak_guess(
    services,
) -> None:
    from actions._order_routes import product_followup

    t = tracker("我對跑鞋寄咗未呀", intent="nlu_fallback", lang="zh-Hant")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "request_repair", "confidence": 0.39},
    ]
    events = await product_followup(t)
    assert events is not None
    assert [e.get("name") for e in events if e.get("event") == "followup"] == ["order_status_form"]


async def test_an_invoice_kind_is_one_of_the_two_and_a_company_given_instead_is_its_title(
    services,
) -> None:
    from actions.invoice_form import ValidateInvoiceForm

    form = ValidateInvoiceForm()
    t = tracker("", slots={"requested_slot": "invoice_type", "order_id": "20231120007"})
    d = CollectingDispatcher()
    given = "抬头 杭州青禾贸易有限公司 税号 91330106MA2KX3L07P"
    result = await form.validate_invoice_type(given, d, t, {})
    assert result == {"invoice_type": None, "invoice_title": "杭州青禾贸易有限公司"}
    assert "杭州青禾贸易有限公司" in d.messages[0]["text"]
    assert await form.validate_invoice_type("电子普通发票", d, t, {}) == {
        "invoice_type": "电子普通发票"
    }
    assert await form.validate_invoice_type("你们几点下班", d, t, {}) == {"invoice_type": None}


async def test_a_company_invoice_is_told_what_it_takes_before_its_kind_is_asked(services) -> None:
    from actions.invoice_form import ValidateInvoiceForm

    form = ValidateInvoiceForm()
    d = CollectingDispatcher()
    t = tracker("牛仔裤那单帮我开个发票 要公司抬头的", slots={"requested_slot": "order_id"})
    assert (await form.validate_order_id("20231120007", d, t, {}))["order_id"] == "20231120007"
    assert "税号" in d.messages[0]["text"]
    d = CollectingDispatcher()  # a personal one: nothing to add
    await form.validate_order_id("20231120007", d, tracker("牛仔裤那单开个发票"), {})
    assert d.messages == []


def test_closing_words_are_no_invoice_title_and_a_personal_one_wins_over_a_company_spoken_of() -> (
    None
):
    assert read_invoice_title("ok 谢谢", whole=True) is None
    assert read_invoice_title("好的 谢谢", whole=True) is None
    assert read_invoice_title("耳机发票抬头开成公司了 我要个人的 能重开不") == "个人"
    assert read_invoice_title("张三", whole=True) == "张三"


DAMAGE_RULE = (
    "请尽量当面验货，破损可拒收；已签收的请在48小时内申请售后并上传外包装和商品照片，我们核实后"
    "补发或退款，无需寄回破损商品（特殊情况除外）。"
)


def test_the_same_answer_is_no_loop_when_it_says_what_is_newly_asked() -> None:
    from actions._mood import said_again

    def turn(text: str, previous: str, before: str, extra: list[dict[str, Any]]) -> Any:
        history = [said(previous), {"event": "bot", "text": before}, *extra]
        return tracker(text, intent="request_return", history=history)

    d = CollectingDispatcher()
    d.utter_message(text=DAMAGE_RULE)
    # "碎的要寄回去吗": the rule again says "无需寄回" — an answer, not a loop
    assert not said_again(d, turn("碎的要寄回去吗", "收到的碗碎了两个 咋办", DAMAGE_RULE, []))
    shipped = "订单 20231120004 已发货，信息无法再修改了"
    d = CollectingDispatcher()
    d.utter_message(text=shipped)
    assert said_again(d, turn("那你们帮我联系快递改一下吧", "保温杯能改地址吗", shipped, []))
    assert said_again(
        d, turn("那你们帮我联系快递改一下吧 改到苏州", "保温杯能改地址吗", shipped, [])
    )
    # something else answered this turn already (a form's FAQ answer at its start)
    this_turn = tracker(
        "能给我发顺丰吗 急着穿",
        history=[said("保温杯能改地址吗"), {"event": "bot", "text": shipped}],
    )
    this_turn.events.append({"event": "bot", "text": "如需顺丰，可在下单时选择“顺丰加急”"})
    assert not said_again(d, this_turn)


async def test_an_exchange_asked_at_a_returns_start_gets_the_exchange_rule_not_a_return(
    services,
) -> None:
    d = CollectingDispatcher()
    t = tracker(
        "the shirt is too big can i swap it for a M",
        intent="request_return",
        lang="en",
        customer="demo-002",
    )
    events = await on_flow_start("return_form", d, t, "aftersales")
    assert events is not None  # the return flow does not run
    assert "exchange" in d.messages[0]["text"].lower()
