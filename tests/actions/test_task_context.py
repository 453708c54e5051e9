"""A follow-up that names nothing is read with the task the bot just took up ("要整幾耐" after
a repair was filed), a clause of "hardly" is no question ("没怎么穿"), an English question of a
dozen words is no story, and "白T" is a T-shirt."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions._decide import no_flow_service
from actions._flow_start import on_flow_start
from actions._follow_up import decide_in_context
from actions._orders import task_topic
from actions._products import named_kinds
from actions._reading import asks_for_something, is_general_question, is_long
from actions._text import asks_for_person, only_leaving
from actions.handoff import ActionOutOfScope, ActionRequestHuman
from tests.actions.conftest import tracker
from tests.actions.test_follow_up import answered, run, said

FILED_REPAIR = "已為您提交保修維修申請（編號 RP057F34EE8A），降噪藍牙耳機 Pro在保修期內，維修免費～"
OUT_OF_WARRANTY = (
    "非常抱歉，声波电动牙刷（订单 20231120014）已过保修期（保修期于 2026-11-01 到期）。"
)


def _after(action: str, reply: str, first: str = "部降噪耳機壞咗 右邊冇聲") -> list[dict[str, Any]]:
    return [said(first, "request_repair"), {"event": "action", "name": action}, answered(reply)]


def test_the_topic_is_the_task_taken_up_for_the_message_before() -> None:
    filed = tracker(
        "要整幾耐", lang="zh-Hant", history=_after("action_request_repair", FILED_REPAIR)
    )
    assert task_topic(filed, "zh-Hant") == "维修"
    assert task_topic(filed, "en") == "repair"
    # A repair declined (the warranty ran out) filed nothing; it offered a paid repair.
    declined = tracker("修一下大概多少钱", history=_after("action_request_repair", OUT_OF_WARRANTY))
    assert task_topic(declined, "zh") == "保修期外 付费维修"
    return_declined = _after("action_request_return", "超过7天，无法申请七天无理由退货。")
    assert task_topic(tracker("要多久", history=return_declined), "zh") == ""
    # A form still asking its question: the follow-up is about it.
    asking = [
        said("need a fapiao for the shirt, company is Acme Trading Co", "request_invoice"),
        {"event": "active_loop", "name": "invoice_form"},
        answered("Which kind of invoice do you need?"),
    ]
    assert task_topic(tracker("how long does it take to get it", history=asking), "en") == "invoice"
    assert task_topic(tracker("要整幾耐"), "zh") == ""  # nothing before


async def test_a_follow_up_naming_nothing_is_answered_for_the_task(services) -> None:
    # "要等幾耐" (how long is the wait) after a repair was filed: the repair's 7–15 days. ("要整
    # 幾耐" names the repair itself: 整 = to fix, tests/kefu/test_mandarin.py)
    history = _after("action_request_repair", FILED_REPAIR)
    t = tracker("要等幾耐", lang="zh-Hant", history=history)
    decision = await decide_in_context(
        services, "要等幾耐", "nlu_fallback", "zh-Hant", "部降噪耳機壞咗 右邊冇聲", FILED_REPAIR,
        task_topic(t, "zh-Hant"),
    )  # fmt: skip
    assert decision.source == "kb" and decision.hit is not None
    assert "7–15" in decision.hit.answer
    alone = await decide_in_context(
        services, "要等幾耐", "nlu_fallback", "zh-Hant", "部降噪耳機壞咗 右邊冇聲", FILED_REPAIR
    )
    assert alone.source != "kb" or "7–15" not in (alone.hit.answer if alone.hit else "")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("没怎么穿 就是不太喜欢", False),  # 没怎么 = hardly
        ("耳机不怎么响了", False),  # 不怎么 = not very
        ("怎么退货", True),
        ("不怎么好用 能退吗", True),
        # how many days (Cantonese 幾多日), how much more to free shipping
        ("我想問退款要幾多日先到", True),
        ("购物车现在56块 还差多少能包油啊", True),
    ],
)
def test_hardly_is_no_question_word(text: str, asks: bool) -> None:
    assert asks_for_something(text) is asks
    assert is_general_question(text) is asks


def test_an_english_question_of_a_dozen_words_is_no_story() -> None:
    assert not is_long("electric toothbrush died. its over a year old can u still fix it")
    story = (
        "我上个月买了好多东西 有衣服有鞋子还有一个保温杯 前几天收到了 "
        "结果发现有一件不合适 我就想问问 那个退货的运费到底是谁出啊"
    )
    assert is_long(story)
    assert is_long(" ".join(["word"] * 25))


async def test_an_own_product_with_fix_placed_out_of_scope_runs_the_repair(services) -> None:
    t = tracker(
        "electric toothbrush died. its over a year old can u still fix it",
        intent="out_of_scope",
        lang="en",
    )
    events, _ = await run(ActionOutOfScope(), t)
    assert {"event": "followup", "name": "repair_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_a_white_tee_is_a_t_shirt() -> None:
    assert named_kinds("今天拍的那件白T怎么一直没动静") == {"tshirt"}
    assert named_kinds("白tea好喝吗") == set()


async def test_another_customers_order_placed_out_of_scope_is_checked_not_refused(
    services, handoffs
) -> None:
    # "20231120021 这单到哪了 帮我朋友问的": the tracking flow, whose form finds the order is not
    # this customer's — never "can't help", never a person, never the order's data.
    t = tracker("20231120021 这单到哪了 帮我朋友问的", intent="out_of_scope")
    events, texts = await run(ActionOutOfScope(), t)
    assert {"event": "followup", "name": "shipment_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert texts == [] and handoffs == []


@pytest.mark.parametrize(
    ("text", "leaving", "person"),
    [
        ("哦那算了 我让她自己问", True, False),
        ("never mind, ill ask her to do it", True, False),
        ("那行 让他自己来问吧", True, False),  # the account holder will ask themselves
        ("ok i'll let him ask then", True, False),
        ("算了 帮我叫个人来吧", False, True),
        ("找个人帮我跟快递核实", False, True),
        ("我要个人的发票", False, False),
        ("yeah i have photos, i want an agent to look at this", False, True),
        ("i need a human", False, True),
        ("i want a refund", False, False),
    ],
)
def test_leaving_is_no_request_for_a_person(text: str, leaving: bool, person: bool) -> None:
    assert only_leaving(text) is leaving
    assert asks_for_person(text) is person


async def test_leaving_read_as_a_request_for_a_person_brings_nobody(services, handoffs) -> None:
    _, texts = await run(
        ActionRequestHuman(), tracker("哦那算了 我让她自己问", intent="request_human")
    )
    assert handoffs == [] and "还有什么可以帮您" in texts[0]
    await run(ActionRequestHuman(), tracker("算了 帮我叫个人来吧", intent="request_human"))
    assert [h["reason"] for h in handoffs] == ["explicit_request"]


async def test_an_ok_read_unsure_as_a_request_for_a_person_brings_nobody(services, handoffs):
    # "好吧 那我让家里人帮我收" after "shipped: the address can't change" (request_human, 0.70)
    ok = tracker("好吧 那我让家里人帮我收", intent="request_human")
    ok.latest_message["intent"]["confidence"] = 0.70
    _, texts = await run(ActionRequestHuman(), ok)
    assert handoffs == [] and "还有什么可以帮您" in texts[0]
    sure = tracker("好的 帮我转人工", intent="request_human")
    sure.latest_message["intent"]["confidence"] = 0.70
    await run(ActionRequestHuman(), sure)  # a person in its words
    await run(ActionRequestHuman(), tracker("好吧 那你让人联系我", intent="request_human"))  # 0.93
    assert [h["reason"] for h in handoffs] == ["explicit_request", "explicit_request"]


@pytest.mark.parametrize(
    ("text", "fails"),
    [
        ("付款一直失败 转半天圈然后提示支付失败", True),
        ("T恤那单付不了款 一直提示支付失败", True),
        ("T恤付款一直失败是咋回事", True),
        ("my card keeps getting declined", True),
        ("支付失败但是扣钱了", False),  # money taken: the payment flow's
        ("card declined but i was charged", False),
        ("付款了吗", False),
    ],
)
def test_a_payment_that_will_not_go_through_is_no_flows(text: str, fails: bool) -> None:
    assert no_flow_service(text) is fails


async def test_a_payment_that_will_not_go_through_gets_what_to_try(services) -> None:
    # "T恤那单付不了款": what to check and try (the shop's rule), not "which order?" nor the
    # questions about a double charge.
    d = CollectingDispatcher()
    t = tracker("T恤那单付不了款 一直提示支付失败", intent="payment_problem")
    events = await on_flow_start("payment_form", d, t, "presale")
    assert events is not None and "余额" in d.messages[0]["text"]


async def test_how_much_after_a_warranty_ran_out_is_the_paid_repairs_price(services) -> None:
    # "咁要收幾多錢" after "out of warranty: a paid repair, quoted first": the repair's quote,
    # not the shipping fee its words alone find.
    history = _after("action_request_repair", OUT_OF_WARRANTY, "支電動牙刷壞咗 充唔到電 仲有冇保養")
    t = tracker("咁要收幾多錢", lang="zh-Hant", history=history)
    decision = await decide_in_context(
        services, "咁要收幾多錢", "ask_faq", "zh-Hant", "支電動牙刷壞咗 充唔到電 仲有冇保養",
        OUT_OF_WARRANTY, task_topic(t, "zh-Hant"),
    )  # fmt: skip
    assert decision.source == "kb" and decision.hit is not None
    assert "报价" in decision.hit.answer


@pytest.mark.parametrize("text", ["k", "oh found it at the front desk lol thx"])
async def test_an_ok_read_as_out_of_scope_closes(services, handoffs, text: str) -> None:
    history = [said("cash on delivery?", "ask_faq"), answered("Cash on delivery isn't available.")]
    t = tracker(text, intent="out_of_scope", lang="en", customer=None, history=history)
    _, texts = await run(ActionOutOfScope(), t)
    assert texts == ["Sure — is there anything else I can help with?"] and handoffs == []


async def test_the_expected_date_again_for_when_is_no_loop(services) -> None:
    from actions._mood import said_again

    status = "订单 20231120003：轻量缓震跑步鞋，已发货，运输中\n预计 12月8日 前送达。"
    history = [said("我那双跑步穿的鞋子到哪儿了", "track_shipment"), answered(status)]
    for text, loop in (("大概哪天能到 我在上海", False), ("那你们帮我催一下快递吧", True)):
        d = CollectingDispatcher()
        d.utter_message(text=status)
        assert said_again(d, tracker(text, intent="track_shipment", history=history)) is loop


def test_a_we_question_is_a_general_one() -> None:
    assert is_general_question("can we get a company invoice with our tax id on it")
