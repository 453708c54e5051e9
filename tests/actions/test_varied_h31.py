"""heldout31 / heldout33's blind failures (varied wording): a correction or a calm report the NLU
read as a complaint, services no flow performs asked about a named order, anger and complaints
in new words, Cantonese and Taiwan words, readings of restock, shipping, a size swap, a fault and
a refund's timing, a scam e-mail, an order picked by "that machine" or its last two digits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.events import FollowupAction

from actions._decide import decide, rule_for_named_order
from actions._order_routes import order_detail_followup, order_followup
from actions._orders import is_correction
from actions._products import matching_orders
from actions._scam import reports_scam
from actions._text import asks_for_person, complains_now, is_angry
from actions.complaint import ActionFileComplaint
from actions.order_status import ActionTrackShipment
from kefu.mandarin import to_mandarin
from shop import Order, OrderStatus
from tests.actions.conftest import tracker
from tests.actions.test_flows import run
from tests.actions.test_follow_up import answered, said


def _tracked(text: str, intent: str, form: str = "shipment_form") -> Any:
    """``text`` right after a flow ``form`` ran on an order."""
    history = [
        said("20231120003 送到哪了", "track_shipment"),
        {"event": "active_loop", "name": form},
        {"event": "active_loop", "name": None},
        answered("订单 20231120003：轻量缓震跑步鞋，已发货，运输中"),
    ]
    return tracker(text, intent=intent, history=history, slots={"order_id": "20231120003"})


# ------------------------------------------------------------------ read as a complaint


async def test_a_correction_read_as_a_complaint_goes_back_to_the_task(services, handoffs):
    # heldout31 zh-o11: "哎呀问岔了 其实想查的是20231120004" (the NLU's complaint, 0.76)
    text = "哎呀问岔了 其实想查的是20231120004"
    assert is_correction(text)
    events, _, _ = await run(ActionFileComplaint(), _tracked(text, "file_complaint"))
    assert events == [FollowupAction("shipment_form")]
    assert handoffs == []


async def test_a_correction_that_complains_is_still_a_complaint(services, handoffs):
    text = "又查错了 20231120004 我要投诉"
    events, _, _ = await run(ActionFileComplaint(), _tracked(text, "file_complaint"))
    assert FollowupAction("shipment_form") not in events
    assert handoffs and handoffs[0]["reason"] == "complaint"


async def test_a_calm_parcel_marked_delivered_but_missing_gets_where_it_was_left(
    services, handoffs
):
    # heldout31 zh-o07 (the NLU's complaint, 0.93): the tracking flow says where the courier
    # left it — the empty doorstep is the report, not a look elsewhere
    text = "20231120012 显示已经签收 可是门口啥都没看见"
    events, _, _ = await run(ActionFileComplaint(), tracker(text, intent="file_complaint"))
    assert events == [FollowupAction("shipment_form")] and handoffs == []
    _, texts, _ = await run(
        ActionTrackShipment(),
        tracker(text, intent="track_shipment", slots={"order_id": "20231120012"}),
    )
    assert handoffs == [] and "快递柜" in texts[0]


async def test_a_calm_price_drop_read_as_a_complaint_gets_price_protection(services, handoffs):
    # heldout31 zh-q12: price protection at 0.29 below a lookalike — the service's rule
    text = "前两天收的货 今天价格掉了二十来块 这差价你们给补吗"
    _, texts, _ = await run(ActionFileComplaint(), tracker(text, intent="file_complaint"))
    assert handoffs == [] and "价格保护" in texts[0]


# ------------------------------------------------------------------ a service, an order named


@pytest.mark.parametrize(
    ("text", "faq"),
    [
        ("20231120003 昨天看同款便宜了三十 等签收了能补差价吗", "prc-001"),  # heldout31 zh-o08
        ("20231120004能让快递直接送上楼吗 我不想跑去驿站拿", "shp-009"),  # heldout33 zh-o11
    ],
)
def test_a_service_no_flow_performs_is_the_rule_though_an_order_is_named(
    knowledge, text: str, faq: str
) -> None:
    assert rule_for_named_order(text)
    decision = decide(text, "nlu_fallback", knowledge.search(text, "zh", 3), knowledge.thresholds)
    assert decision.source == "kb" and decision.hit is not None and decision.hit.faq_id == faq
    # the order-id route of the fallback leaves it to that rule, not the NLU's guessed flow
    assert order_followup(tracker(text, intent="nlu_fallback")) is None


def test_a_named_orders_double_charge_stays_with_the_payment_flow(knowledge) -> None:
    text = "20231120021 扣了两次钱"
    assert not rule_for_named_order(text)
    hits = knowledge.search(text, "zh", 3)
    decision = decide(text, "payment_problem", hits, knowledge.thresholds)
    assert decision.source == "intent" and decision.reason == "names an order"


def test_money_asked_after_a_cancelled_orders_status_is_its_refund() -> None:
    # heldout33 zh-o05: "付的那些钱回到我账户里了没" right after the cancelled order's status
    t = _tracked("付的那些钱回到我账户里了没", "nlu_fallback", form="order_status_form")
    assert order_detail_followup(t) == [FollowupAction("action_check_refund")]


# ------------------------------------------------------------------ anger, complaints, a person


@pytest.mark.parametrize(
    ("text", "angry", "complains"),
    [
        ("十天了一件货都发不出来 你们这是在糊弄人吧 真是火大", True, False),
        ("Right, then I'm filing one now: your driver threw my parcel over the fence", False, True),
        ("那我这就投诉", False, True),
        ("how do I file a complaint about a delivery driver?", False, False),
        ("怎么投诉快递员", False, False),
        ("这个颜色有点火红 好看吗", False, False),
    ],
)
def test_anger_and_complaints_in_new_words(text: str, angry: bool, complains: bool) -> None:
    assert is_angry(text) is angry
    assert complains_now(text) is complains


@pytest.mark.parametrize(
    ("text", "asks"),
    [("上次就反映过 一直没下文 请转给能拍板的负责人", True), ("负责人是谁定的", False)],
)
def test_whoever_can_decide_is_a_person(text: str, asks: bool) -> None:
    assert asks_for_person(text) is asks


# ------------------------------------------------------------------ regional words


@pytest.mark.parametrize(
    ("said_", "mandarin"),
    [
        ("我嗰對跑鞋而家去咗邊度呀", "我那对跑鞋现在到哪了呀"),
        ("我對降噪耳筒左邊冇聲 想攞去整", "我对降噪耳机左边没有声 想拿去修"),
        ("你哋啲貨賣晒咗 會唔會再入貨", "你们些货卖完了 会不会再补货"),
        ("公司報帳需要三聯式發票 可以打統編嗎", "公司报销需要增值税专用发票 可以打税号吗"),
    ],
)
def test_cantonese_and_taiwan_shop_words(said_: str, mandarin: str) -> None:
    assert to_mandarin(said_) == mandarin


# ------------------------------------------------------------------ readings


@pytest.mark.parametrize(
    ("text", "lang", "faq"),
    [
        ("你哋啲貨賣晒咗 會唔會再入貨", "zh-Hant", "prd-003"),  # heldout31 hk-06
        ("我住桃園 從你們那邊寄過來運費要怎麼算", "zh-Hant", "xb-001"),  # heldout33 tw-01
        ("在你们这买的台灯 用了没几天灯就一闪一闪的", "zh", "ret-002"),  # heldout31 zh-q28
        ("鞋码偏小了一点 能调成大半码的吗", "zh", "ret-005"),  # heldout33 zh-q05
        ("公司報帳需要三聯式發票 可以打統編嗎", "zh-Hant", "inv-004"),  # heldout31 tw-02
        ("do I pay postage on a 40 yuan order?", "en", "shp-004-en"),  # heldout31 en-01
        # a fee is named there; not here (heldout31 en-23, the address change)
        (
            "how do I change the delivery address on an order that's already shipped",
            "en",
            "shp-008-en",
        ),
        # heldout33 en-04: when, not only where
        ("refund going back to a credit card, when does it actually show up?", "en", "ret-008-en"),
    ],
)
async def test_readings_name_the_asked_topic(services, text: str, lang: str, faq: str) -> None:
    from actions._kb_search import search_kb
    from actions._services import get_services

    hits, _ = await search_kb(get_services(), text, lang, record=False)
    assert hits[0].faq_id == faq


def test_a_scam_email_asking_for_a_card_pin() -> None:
    # heldout33 en-14
    assert reports_scam(
        "got an email saying my order is on hold and I must confirm my card PIN through a "
        "link. is that really you?"
    )
    assert not reports_scam("I must confirm my address, is my order ok")


# ------------------------------------------------------------------ which order


def _order(oid: str, item: str, spec: str, category: str) -> Order:
    return Order(
        id=oid, customer_id="demo-001", status=OrderStatus.DELIVERED, item=item, spec=spec,
        quantity=1, amount_cents=100, category=category, warranty_months=0, receiver="",
        phone="", address="", created_at=datetime(2026, 12, 1), paid_at=None, shipped_at=None,
        delivered_at=None, promised_delivery=None,
    )  # fmt: skip


def test_that_white_machine_is_the_humidifier_not_the_white_tee() -> None:
    # heldout33 zh-o10: "白色那台机器" — the spec names both, the machine only one
    tee = _order("20231120001", "男士纯棉圆领T恤", "白色 L", "apparel")
    humidifier = _order("20231120012", "加湿器", "4L 白色", "home")
    found = matching_orders("物流说白色那台机器已经签收了 可我家门口啥也没有", [tee, humidifier])
    assert found == [humidifier]
    assert matching_orders("白色那件", [tee, humidifier]) == [tee, humidifier]


def test_an_order_named_by_its_last_two_digits() -> None:
    # heldout33 zh-o03: "输错了 最后两位是05"
    band = _order("20231120005", "智能手环 6", "曜石黑", "electronics")
    tee = _order("20231120001", "男士纯棉圆领T恤", "白色 L", "apparel")
    assert matching_orders("输错了 最后两位是05", [tee, band]) == [band]


# ------------------------------------------------------------------ two questions


async def test_a_part_speaking_of_the_topic_before_by_a_pronoun_is_answered(services) -> None:
    # heldout33 en-08: "what are they worth at checkout" alone finds nothing above 0.19; read
    # with the points of the part before, the points' use — both parts answered
    from actions._services import get_services
    from actions._two_questions import question_parts

    text = "How do I earn points and what are they worth at checkout?"
    parts = await question_parts(get_services(), text, "en")
    assert [p.hit.faq_id if p.hit else None for p in parts] == ["mem-001-en", "mem-002-en"]
    # a part naming a topic of its own is searched as it is
    other = await question_parts(
        get_services(), "Do you accept returns? How long does it take to ship?", "en"
    )
    assert [p.hit.faq_id if p.hit else None for p in other] == ["ret-001-en", "xb-004-en"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("20231120004能让快递直接送上楼吗 我不想跑去驿站拿", True),
        # the order's state asked beside: its flow takes the order (heldout23 zh-o19)
        ("20231120004 送到了没？还有 中通能不能让他送上楼", False),
        # when it arrives is no door delivery asked (heldout26 zh-o03, heldout29 zh-o03)
        ("20231120005这单什么时候能送到家", False),
        ("20231120004 那估摸着哪天能送上门", False),
    ],
)
def test_door_delivery_asked_of_a_named_order(text: str, rule: bool) -> None:
    assert rule_for_named_order(text) is rule


async def test_a_size_asked_after_a_restock_is_the_size_chart(services) -> None:
    # heldout10: "那我160 90斤穿啥码" after "碎花裙S码没货了 啥时候补货" — the restock's bare
    # topic word carried over does not read as the restock again
    from actions._follow_up import search_in_context
    from actions._services import get_services

    hits, _, paired = await search_in_context(
        get_services(), "那我160 90斤穿啥码", "zh", "碎花裙S码没货了 啥时候补货"
    )
    assert (paired or hits)[0].faq_id == "prd-001"


# ------------------------------------------------------------------ after an answer


@pytest.mark.parametrize(
    ("text", "realised"),
    [
        ("哦对 放小区柜子里了 我这就下楼拿", True),  # heldout26 zh-o08
        ("噢 八成是我自己手机上点的😂 不管它了", True),  # heldout26 zh-o06
        ("oh found it, my bad", True),
        ("哦 东西坏了", False),
        ("噢 那我的退款呢", False),
        ("哦 原来是这样 那运费谁出", False),
    ],
)
def test_an_oh_and_what_the_customer_now_sees_is_no_miss(text: str, realised: bool) -> None:
    from actions._text import realises

    assert realises(text) is realised


async def test_a_cancelled_orders_status_says_where_paid_money_goes(services) -> None:
    from actions.order_status import ActionCheckOrderStatus

    _, texts, _ = await run(
        ActionCheckOrderStatus(),
        tracker("给孩子买的绘本套装咋没影了", intent="check_order_status",
                slots={"order_id": "20231120009"}),
    )  # fmt: skip
    assert "已取消" in texts[0] and "原路退回" in texts[0]
