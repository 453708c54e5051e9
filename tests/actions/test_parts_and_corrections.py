"""A message of two questions, one about the customer's own product (both answered: the
knowledge base's part first, then the product's flow), a correction that asks the state of the
order it now names, and the invoice flow's words when it ends without a type or title — on the
real demo knowledge base and the real SQL shop."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions._flow_start import on_flow_start
from actions._orders import corrected_task
from actions.faq import ActionAnswerFaq
from actions.invoice import ActionRequestInvoice
from tests.actions.conftest import tracker
from tests.actions.test_follow_up import answered, run, said

BOTH = "手环发货了没 顺便问下保修多久"


def _followups(events: list[dict[str, Any]]) -> list[str]:
    return [str(e.get("name")) for e in events if e.get("event") == "followup"]


async def test_a_faq_part_and_an_own_products_state_both_are_answered(services) -> None:
    # Read as a question, the warranty part is the knowledge base's and the bracelet's status
    # is its flow's: the flow runs (it was offered as a button, the status never said).
    events, texts = await run(ActionAnswerFaq(), tracker(BOTH, intent="ask_faq"))
    assert _followups(events) == ["order_status_form"]
    assert len(texts) == 1 and "1年" in texts[0]  # the warranty, and no button for the status
    # Read as the status at the flow's start: the warranty answered there, not offered again.
    dispatcher = CollectingDispatcher()
    started = await on_flow_start(
        "order_status_form", dispatcher, tracker(BOTH, intent="check_order_status"), "logistics"
    )
    assert started is None  # the flow goes on, on the bracelet's order
    said_texts = [m.get("text") or "" for m in dispatcher.messages]
    assert len(said_texts) == 1 and "1年" in said_texts[0]
    assert not dispatcher.messages[0].get("buttons")


async def test_an_order_id_and_a_faq_part_both_are_answered(services) -> None:
    # "20231120003🙃 发货了吧？还有积分会过期吗": the points part is the knowledge base's,
    # the order's shipping its flow's — not the status alone
    text = "20231120003🙃 发货了吧？还有积分会过期吗"
    dispatcher = CollectingDispatcher()
    t = tracker(text, intent="check_order_status", slots={"order_id": "20231120003"})
    started = await on_flow_start("order_status_form", dispatcher, t, "logistics")
    assert started is None  # the flow goes on, on that order
    said_texts = [m.get("text") or "" for m in dispatcher.messages]
    assert len(said_texts) == 1 and "12月31日" in said_texts[0]


def test_a_correction_asking_a_state_in_its_own_words_asks_that() -> None:
    asked_invoice = [
        said("幫我查一下20231120013的發票開了沒", "request_invoice"),
        {"event": "active_loop", "name": "invoice_form"},
        answered("抱歉，您的帳戶下沒有找到訂單 20231120013呢～"),
    ]
    status = tracker(
        "歹勢打錯了 我是要問20231120031出貨了沒", lang="zh-Hant", history=asked_invoice
    )
    assert corrected_task(status, "歹勢打錯了 我是要問20231120031出貨了沒") == "order_status_form"
    # a correction naming nothing of its own continues the task before
    plain = tracker("不对 打错了 是20231120005", history=asked_invoice)
    assert corrected_task(plain, "不对 打错了 是20231120005") == "invoice_form"


async def test_an_invoice_flow_ended_without_type_or_title_says_the_orders_invoice_state(
    services,
) -> None:
    # 20231120002 is paid: never "还未付款"; what is true of its invoice now, with the button
    _, texts = await run(ActionRequestInvoice(), tracker("", slots={"order_id": "20231120002"}))
    assert "未付款" not in texts[0] and "还没有申请过发票" in texts[0]
    _, texts = await run(ActionRequestInvoice(), tracker("", slots={"order_id": "20231120001"}))
    assert "还未付款" in texts[0]
