"""Questions about the state of the customer's own case that the shop's data answers, never a
general FAQ or a person: the state of an order's invoice ("耳机那单发票开出来了没": issued and
where to get it / requested, not issued yet / none requested), and a quality problem with an
item named by its order ("才穿一次就开线了，2023…，这质量也太差了"), which is the 15-day
quality return, not an angry customer to hand off."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._text import is_angry
from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.invoice import ActionRequestInvoice
from actions.invoice_form import ValidateInvoiceForm
from tests.actions.conftest import tracker
from tests.actions.test_flows import run

ASKED = "耳机那个订单的发票开出来了没"


def _after(opening: str, order_id: str, *, lang: str = "zh") -> Tracker:
    """The invoice flow's final action after ``opening`` started it and the customer tapped
    the order."""
    history = [
        {"event": "user", "text": opening, "parse_data": {}, "timestamp": 1699999990.0},
        {"event": "active_loop", "name": "invoice_form"},
    ]
    return tracker(
        f'/inform{{"order_id":"{order_id}"}}',
        slots={"order_id": order_id},
        history=history,
        lang=lang,
    )


def _followups(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


async def test_an_invoice_state_question_is_routed_to_the_order_not_the_faq(services):  # type: ignore[no-untyped-def]
    events, texts, _ = await run(ActionFallback(), tracker(ASKED, intent="nlu_fallback"))
    assert _followups(events) == ["invoice_form"] and texts == []
    events, texts, _ = await run(ActionAnswerFaq(), tracker("我那单发票开了没", intent="ask_faq"))
    assert _followups(events) == ["invoice_form"] and texts == []
    # The rule, not the state: still the FAQ.
    _, texts, _ = await run(ActionAnswerFaq(), tracker("发票怎么开", intent="ask_faq"))
    assert "电子普通发票" in texts[0]


async def test_the_invoice_flow_asks_only_for_the_order_when_the_state_is_asked(services):  # type: ignore[no-untyped-def]
    slots = ["order_id", "invoice_type", "invoice_title"]
    form, d = ValidateInvoiceForm(), CollectingDispatcher()
    t = tracker(
        "20231120006的发票开了吗", intent="request_invoice", slots={"order_id": "20231120006"}
    )
    assert await form.required_slots(slots, d, t, {}) == ["order_id"]
    # After the order was tapped, the question that started the flow still decides.
    assert await form.required_slots(slots, d, _after(ASKED, "20231120006"), {}) == ["order_id"]
    # A request for an invoice still asks its type and title.
    t = tracker("帮我开个发票", intent="request_invoice", slots={"order_id": "20231120006"})
    assert await form.required_slots(slots, d, t, {}) == [
        "order_id",
        "invoice_title",
        "invoice_type",
    ]


async def test_issued_requested_or_none_is_read_from_the_shop(services):  # type: ignore[no-untyped-def]
    _, texts, _ = await run(ActionRequestInvoice(), _after(ASKED, "20231120013"))
    assert "已开具" in texts[0] and "上海某某科技有限公司" in texts[0] and "查看发票" in texts[0]
    # Asking never files a request: still the one issued invoice.
    assert len(await services.shop.invoices("demo-001", "20231120013")) == 1

    _, texts, dispatcher = await run(
        ActionRequestInvoice(), _after("我那单发票开了没", "20231120006")
    )
    assert "还没有申请过发票" in texts[0]
    assert (
        dispatcher.messages[0]["buttons"][0]["payload"]
        == '/request_invoice{"order_id":"20231120006"}'
    )
    assert await services.shop.invoices("demo-001", "20231120006") == []

    await services.shop.request_invoice("demo-001", "20231120006", "电子普通发票", "个人")
    _, texts, _ = await run(ActionRequestInvoice(), _after("发票开好了没", "20231120006"))
    assert "还没有开出" in texts[0] and "1-3个工作日" in texts[0]

    _, texts, _ = await run(
        ActionRequestInvoice(), _after("has the invoice been issued yet?", "20231120013", lang="en")
    )
    assert "has been issued" in texts[0]


async def test_a_quality_complaint_about_an_item_is_its_return_not_a_handoff(services, handoffs):  # type: ignore[no-untyped-def]
    text = "牛仔裤才穿一次裤腿就开线了，20231120007，这质量也太差了吧"
    assert not is_angry(text) and not is_angry("the quality is terrible")
    assert is_angry("你们这什么破服务 太差了") and is_angry("我要投诉你们 质量太差")
    t = tracker(text, intent="nlu_fallback")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "file_complaint", "confidence": 0.354},
        {"name": "request_return", "confidence": 0.281},
    ]
    events, texts, _ = await run(ActionFallback(), t)
    assert _followups(events) == ["return_form"] and texts == [] and handoffs == []


async def test_a_size_change_of_their_own_item_is_the_change_flow_not_the_faq(services):  # type: ignore[no-untyped-def]
    # The NLU fell back; the exchange FAQ (0.96) is about another situation (after delivery).
    text = "那件大衣M码我怕小 能换成L吗 还没发货吧"
    events, texts, _ = await run(ActionFallback(), tracker(text, intent="nlu_fallback"))
    assert _followups(events) == ["change_form"] and texts == []
    # A general question on sizes is still the knowledge base's.
    _, texts, _ = await run(ActionFallback(), tracker("买了衣服能换尺码吗", intent="nlu_fallback"))
    assert "换货" in texts[0]
