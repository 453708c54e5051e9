"""The change flow stores only an address it could ship to (issue 11): "地址想改一下 改成公司地址"
names no address — the bot must not answer "收货地址已更新为 ****" and write "公司地址" into the
order; it asks for the full address instead."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions._answers import looks_like_address, read_change_detail
from actions.order_forms import ValidateChangeForm
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import in_form, run_with_domain


def _waiting(text: str) -> Any:
    t = in_form("change_form", text, order_id="20231120002", requested_slot="change_detail")
    t.slots["change_detail"] = text  # Rasa's from_text mapping fills the slot with the text
    return t


def test_an_address_names_a_place_a_reference_does_not():
    for text in (
        "上海市徐汇区漕溪北路88号",
        "浙江杭州西湖文三路100号",
        "上海市浦東新區張江路1號",
        "12 Baker Street, London",
    ):
        assert looks_like_address(text), text
    for text in (
        "公司地址",
        "改成公司地址",
        "家里地址",
        "公司那边",
        "my office",
        "the office address",
    ):
        assert not looks_like_address(text), text
    assert read_change_detail("地址想改一下 改成公司地址") is None
    assert read_change_detail("收货地址改成上海市徐汇区漕溪北路88号") == "上海市徐汇区漕溪北路88号"


async def test_a_reference_in_the_first_message_is_not_taken_as_the_address(services):
    t = tracker(
        "20231120002 地址想改一下 改成公司地址",
        intent="change_order",
        slots={"order_id": "20231120002"},
    )
    events, _, _ = await run_with_domain(ValidateChangeForm(), t)
    # no value: Rasa's form then asks for the change (utter_ask_change_detail)
    assert [e for e in events if e.get("name") == "change_detail"] == []


async def test_a_reply_that_is_no_address_is_asked_again(services):
    d = CollectingDispatcher()
    refused = await ValidateChangeForm().validate_change_detail(
        "公司地址", d, _waiting("公司地址"), {}
    )
    assert refused == {"change_detail": None}
    assert "完整的新收货地址" in d.messages[0]["text"]
    for text in ("上海市徐汇区漕溪北路88号", "13912345678", "要L码"):
        d = CollectingDispatcher()
        taken = await ValidateChangeForm().validate_change_detail(text, d, _waiting(text), {})
        assert taken == {"change_detail": text} and d.messages == [], text


async def test_the_address_is_stored_without_the_words_around_it(services):
    # "改成 … 电话不变": the address is "杭州市…601", not "改成 杭州市…601 电话不变"
    text = "改成 杭州市西湖区文三路259号8幢1单元601 电话不变"
    d = CollectingDispatcher()
    taken = await ValidateChangeForm().validate_change_detail(text, d, _waiting(text), {})
    assert taken == {"change_detail": "杭州市西湖区文三路259号8幢1单元601"}


async def test_the_new_detail_is_asked_with_the_orders_state(services):
    # "2023112002的地址能改不 应该还没发货吧": the customer asked whether it can — the order and
    # that its address can still change come first
    from actions.change import ActionAskChangeDetail

    dispatcher = CollectingDispatcher()
    await ActionAskChangeDetail().run(
        dispatcher, tracker("是20231120002", slots={"order_id": "20231120002"}), {}
    )
    text = dispatcher.messages[0]["text"]
    assert "20231120002" in text and "还没有发货" in text and "新的收货地址" in text
    shipped = CollectingDispatcher()  # a shipped order: the plain question, no promise
    await ActionAskChangeDetail().run(
        shipped, tracker("20231120003", slots={"order_id": "20231120003"}), {}
    )
    assert shipped.messages[0].get("response") == "utter_ask_change_detail"


async def test_thanks_while_the_new_address_is_asked_ends_the_flow(services):
    # "好 那我自己去订单里改 谢谢": done — never read as an address that cannot be used
    events, texts, _ = await run_with_domain(
        ValidateChangeForm(), _waiting("好 那我自己去订单里改 谢谢")
    )
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert not any("地址" in t for t in texts)
