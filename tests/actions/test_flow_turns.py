"""Flows that never trap (actions/_flow_turns.py), through the forms' validation actions as
Rasa calls them: a general question at a flow's start is answered instead of the flow; inside a
flow the customer can leave, ask a question (answered, the flow reminds once), or name another
order; a message that is still not an answer after the reminder ends the flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.ask_order_id import ActionAskOrderId
from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.invoice import ActionRequestInvoice
from actions.invoice_form import ValidateInvoiceForm
from actions.order_forms import (
    ValidateCancelForm,
    ValidateOrderStatusForm,
    ValidatePaymentForm,
    ValidateReturnForm,
    ValidateShipmentForm,
)
from actions.refund import ActionCheckRefund
from tests.actions.conftest import tracker
from tests.actions.test_flows import run, slot


def in_form(form: str, text: str, *, intent: str = "inform", **slots: Any) -> Tracker:
    # As Rasa sends it: the form was active before the message, and is the latest action.
    t = tracker(text, intent=intent, slots=slots, history=[{"event": "active_loop", "name": form}])
    t.active_loop = {"name": form}
    return t


DOMAIN = yaml.safe_load(Path("domain.yml").read_text("utf-8"))


async def run_with_domain(action: Any, t: Tracker) -> tuple[Any, list[str], Any]:
    """A form's validation action as Rasa calls it, with the bot's domain."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return events, [m.get("text") or "" for m in dispatcher.messages], dispatcher


def has(events: list[dict[str, Any]], kind: str) -> bool:
    return any(e.get("event") == kind for e in events)


async def test_a_general_question_at_a_flows_start_is_answered_instead(services):
    events, texts, _ = await run_with_domain(
        ValidateInvoiceForm(), tracker("发票怎么开", intent="request_invoice")
    )
    assert "电子普通发票" in texts[0]
    assert slot(events, "requested_slot") is None and slot(events, "turn_handled") is True
    # The flow's final action then stays silent and clears the mark.
    events, texts, _ = await run(
        ActionRequestInvoice(), tracker("发票怎么开", slots={"turn_handled": True})
    )
    assert texts == [] and slot(events, "turn_handled") is None and len(events) == 1


async def test_the_customers_own_request_starts_the_flow(services):
    events, texts, _ = await run_with_domain(
        ValidateInvoiceForm(), tracker("帮我开个发票", intent="request_invoice")
    )
    assert texts == [] and not any(e.get("name") == "turn_handled" for e in events)


async def test_anger_at_a_flows_start_gets_an_apology_and_a_person(services, handoffs):
    _, texts, _ = await run_with_domain(
        ValidateShipmentForm(),
        tracker("你们这什么破服务 等了一个礼拜了还没到 太差了", intent="track_shipment"),
    )
    assert "抱歉" in texts[0]
    assert [p["reason"] for p in handoffs] == ["negative_sentiment"]


async def test_anger_naming_an_order_lets_the_flow_answer_first(services, handoffs):
    events, texts, _ = await run_with_domain(
        ValidateShipmentForm(),
        tracker(
            "什么破服务 20231120004到底到哪了",
            intent="track_shipment",
            slots={"order_id": "20231120004"},
        ),
    )
    assert handoffs == [] and texts == []
    assert not any(e.get("name") == "turn_handled" for e in events)


async def test_leaving_a_flow(services):
    events, texts, _ = await run_with_domain(
        ValidateReturnForm(), in_form("return_form", "不用了 先不退了", requested_slot="order_id")
    )
    assert "先不办理" in texts[0] and len(texts) == 1
    assert slot(events, "requested_slot") is None and slot(events, "turn_handled") is True


async def test_leaving_a_flow_with_a_question_answers_it(services):
    events, texts, d = await run_with_domain(
        ValidateReturnForm(),
        in_form("return_form", "先不退了 顺便问下退货寄回的地址是哪里", requested_slot="order_id"),
    )
    assert "先不办理" in texts[0] and "退货地址" in texts[1]
    assert d.messages[1]["faq_id"] == "ret-007"
    assert slot(events, "turn_handled") is True


async def test_leaving_a_yes_no_question_is_its_no(services):
    events, texts, _ = await run_with_domain(
        ValidateCancelForm(),
        in_form(
            "cancel_form",
            "算了 先不取消了",
            order_id="20231120002",
            requested_slot="cancel_confirmed",
        ),
    )
    assert slot(events, "cancel_confirmed") is False and texts == []


async def test_a_question_inside_a_flow_is_answered_and_the_flow_reminds_once(services):
    events, texts, _ = await run_with_domain(
        ValidateReturnForm(),
        in_form("return_form", "对了 退货运费谁出啊", intent="ask_faq", requested_slot="order_id"),
    )
    assert "买家承担" in texts[0] and slot(events, "flow_paused") is True
    assert not has(events, "action_execution_rejected")  # the flow goes on
    reminder = tracker("对了 退货运费谁出啊", slots={"flow_paused": True})
    _, texts, d = await run(ActionAskOrderId(), reminder)
    assert "继续" in texts[0] and d.messages[0]["buttons"]  # a reminder, not the same question


async def test_a_flow_never_keeps_asking_after_the_customer_moved_on(services):
    events, _, _ = await run_with_domain(
        ValidateReturnForm(),
        in_form(
            "return_form", "好的谢谢", intent="thank", requested_slot="order_id", flow_paused=True
        ),
    )
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert has(events, "action_execution_rejected")


async def test_a_new_order_id_replaces_the_one_being_discussed(services):
    events, _, _ = await run_with_domain(
        ValidateInvoiceForm(),
        in_form(
            "invoice_form",
            "不对，是20231120007那单",
            order_id="20231120013",
            requested_slot="invoice_title",
        ),
    )
    assert slot(events, "order_id") == "20231120007" and slot(events, "invoice_title") is None


async def test_an_order_id_after_a_flow_runs_that_flow_again(services):
    history = [
        {
            "event": "user",
            "text": "查一下订单20231120002",
            "parse_data": {"intent": {"name": "check_order_status", "confidence": 0.9}},
        }
    ]
    events, _, _ = await run(
        ActionFallback(),
        tracker("不对 我要查的是20231120004那单", intent="nlu_fallback", history=history),
    )
    assert events == [{"event": "followup", "timestamp": None, "name": "order_status_form"}]


async def test_invoice_title_correction_given_with_the_request(services):
    events, _, _ = await run_with_domain(
        ValidateInvoiceForm(),
        tracker(
            "耳机那单20231120013发票抬头开错了 要改成北京星辰科技有限公司",
            intent="request_invoice",
            slots={"order_id": "20231120013"},
        ),
    )
    assert slot(events, "invoice_title") == "北京星辰科技有限公司"
    assert slot(events, "requested_slot") is None  # no type asked: a correction keeps it
    _, texts, _ = await run(
        ActionRequestInvoice(),
        tracker("", slots={"order_id": "20231120013", "invoice_title": "北京星辰科技有限公司"}),
    )
    assert "换开申请" in texts[0] and "北京星辰科技有限公司" in texts[0]


async def test_refund_paid_but_not_arrived_gets_its_own_answer(services):
    _, texts, d = await run(
        ActionCheckRefund(),
        tracker(
            "说退款成功了 但我支付宝一直没收到钱啊",
            intent="check_refund",
            slots={"order_id": "20231120011"},
        ),
    )
    assert "工作日" in texts[0] and "已于" in texts[0]
    assert d.messages[0]["buttons"][0]["payload"] == "/request_human"


async def test_a_general_refund_question_is_answered_from_the_knowledge_base(services):
    _, texts, _ = await run(ActionCheckRefund(), tracker("退款一般多久到账", intent="check_refund"))
    assert "工作日" in texts[0] and "没有查到退款" not in texts[0]


async def test_traditional_customers_read_faq_answers_in_traditional(services):
    _, texts, _ = await run(
        ActionAnswerFaq(), tracker("退貨運費誰出", intent="ask_faq", lang="zh-Hant")
    )
    assert "買家承擔" in texts[0] and "买家承担" not in texts[0]


async def test_an_order_id_the_nlu_was_unsure_about_follows_its_best_flow(services):
    # The NLU fell back (a return at 0.49, under its 0.5 threshold), but the message names an
    # order: the flow it ranked first runs, not a status look-up the customer did not ask for.
    t = tracker("跑步鞋还没到 能先申请退货吗 20231120003", intent="nlu_fallback")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "request_return", "confidence": 0.49},
        {"name": "check_refund", "confidence": 0.15},
    ]
    events, _, _ = await run(ActionFallback(), t)
    assert events == [{"event": "followup", "timestamp": None, "name": "return_form"}]
    # A wild guess the words do not name is not followed: the order's own case is looked up,
    # as before (a flow the words name — "申请退货" — is followed from 0.1: test_product_orders).
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "cancel_order", "confidence": 0.2},
    ]
    events, _, _ = await run(ActionFallback(), t)
    assert events[0]["name"] in ("shipment_form", "order_status_form")


async def test_a_tapped_choice_of_the_forms_question_is_its_answer(services):
    # "Wrong size" reads like a change of size (another flow), but it is the return reason the
    # form offered as a button: the return goes on with it.
    t = in_form(
        "return_form",
        "Wrong size",
        intent="change_order",
        order_id="20231120001",
        requested_slot="return_reason",
        return_reason="Wrong size",
        lang="en",
    )
    events, _, _ = await run_with_domain(ValidateReturnForm(), t)
    assert not has(events, "action_execution_rejected")
    assert not any(e.get("name") == "return_reason" and e["value"] is None for e in events)
    assert slot(events, "requested_slot") is None  # the reason was the last question
    # A request for another flow typed there still switches.
    t = in_form(
        "return_form",
        "actually change the address on it",
        intent="change_order",
        order_id="20231120001",
        requested_slot="return_reason",
        lang="en",
    )
    events, _, _ = await run_with_domain(ValidateReturnForm(), t)
    assert has(events, "action_execution_rejected")


async def test_a_correction_names_the_order_for_the_last_flow(services):
    # "不对 … 那单 2023…" after a tracking answer: the NLU half-guessed a return (0.46), but the
    # customer corrects the order of what they were doing.
    history = [
        {"event": "user", "text": "查下20231120004到哪了",
         "parse_data": {"intent": {"name": "track_shipment", "confidence": 0.99}}},
        {"event": "action", "name": "action_track_shipment"},
    ]  # fmt: skip
    t = tracker("不对不对 我要查的是跑步鞋那单 20231120003", intent="nlu_fallback", history=history)
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "request_return", "confidence": 0.46},
    ]
    events, _, _ = await run(ActionFallback(), t)
    assert events == [{"event": "followup", "timestamp": None, "name": "shipment_form"}]


async def test_a_fallback_between_thanks_and_goodbye_is_a_goodbye(services):
    t = tracker("謝謝你 掰掰", intent="nlu_fallback", lang="zh-Hant")
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "goodbye", "confidence": 0.5},
        {"name": "thank", "confidence": 0.43},
    ]
    _, _, d = await run(ActionFallback(), t)
    assert [m.get("response") for m in d.messages] == ["utter_goodbye"]


async def test_a_correction_asking_another_orders_state_runs_that(services):
    # "歹勢打錯了 我是要問20231120031出貨了沒" while the invoice flow asks which order: the
    # correction asks a state in words of its own — the status, on the order now named.
    events, _, _ = await run_with_domain(
        ValidateInvoiceForm(),
        in_form("invoice_form", "打错了 我是要问20231120002发货了没", requested_slot="order_id"),
    )
    assert slot(events, "order_id") == "20231120002"
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["order_status_form"]


async def test_an_anonymous_visitor_moving_on_after_please_log_in_ends_the_flow(services):
    # "了解" after "please log in": no order number would let the bot look — the flow ends and
    # the rules answer the message, never "please log in" again.
    t = tracker("了解", intent="affirm", customer=None, slots={"requested_slot": "order_id"},
                history=[{"event": "active_loop", "name": "shipment_form"}])  # fmt: skip
    t.active_loop = {"name": "shipment_form"}
    events, _, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert has(events, "action_execution_rejected")


async def test_a_person_asked_for_at_a_flows_start_is_brought(services, handoffs):
    # read as tracking, but the customer asks for someone in so many words: not "which order?"
    t = tracker("asked building security and checked every locker, nada. get someone to chase "
                "the courier", intent="track_shipment", customer="demo-002", lang="en")  # fmt: skip
    _, texts, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert [p["reason"] for p in handoffs] == ["explicit_request"]
    assert not any("Which order" in x for x in texts)


async def test_an_order_id_sent_in_two_messages_is_one_id(services):
    history = [
        {"event": "user", "text": "帮我瞅瞅物流 单号2023112"},
        {"event": "active_loop", "name": "shipment_form"},
        {"event": "bot", "text": "请问是哪一个订单呢？"},
    ]
    t = tracker("0004 刚手快按了发送", slots={"requested_slot": "order_id"}, history=history)
    t.active_loop = {"name": "shipment_form"}
    events, _, _ = await run_with_domain(ValidateShipmentForm(), t)
    assert slot(events, "order_id") == "20231120004"


async def test_a_person_asked_for_inside_a_flow_is_brought(services, handoffs):
    # the payment flow asks which order; the customer asks for someone in so many words
    t = in_form(
        "payment_form",
        "it's been two days and the second charge still hasn't bounced back. please get one of"
        " your people to look at it",
        intent="payment_problem",
        requested_slot="order_id",
    )
    t.slots["lang"] = "en"
    events, texts, _ = await run_with_domain(ValidatePaymentForm(), t)
    assert [p["reason"] for p in handoffs] == ["explicit_request"]
    assert not any("Which order" in x for x in texts)
    assert slot(events, "requested_slot") is None  # the flow ends


async def test_a_question_about_the_invoices_state_inside_another_flow_runs_that(services):
    # the status flow asks which order; "那看看我的耳机 发票开出来没" asks the earphones' invoice
    # (the NLU unsure of it: below the confidence that switches flows by the intent alone)
    t = in_form(
        "order_status_form",
        "行吧 那看看我的耳机 发票开出来没",
        intent="request_invoice",
        requested_slot="order_id",
    )
    t.latest_message["intent"]["confidence"] = 0.65
    events, _, _ = await run_with_domain(ValidateOrderStatusForm(), t)
    assert {"event": "followup", "timestamp": None, "name": "invoice_form"} in events


async def test_a_complaint_inside_a_flow_is_apologised_for_and_goes_to_the_complaints_team(
    services, handoffs
):
    # heldout24: asked the return's reason, the customer complains instead
    events, texts, _ = await run_with_domain(
        ValidateReturnForm(),
        in_form(
            "return_form",
            "退啥退 专门买来参加婚礼穿的 现在全耽误了 你们这店我投诉定了",
            intent="check_refund",
            requested_slot="return_reason",
            order_id="20231120006",
        ),
    )
    assert "抱歉" in texts[0]
    assert [p["reason"] for p in handoffs] == ["complaint"]
    assert slot(events, "requested_slot") is None and slot(events, "return_reason") is None


def _asked_why(opening: str, text: str) -> Tracker:
    """The return form asking its reason, started by ``opening``; ``text`` the answer (a yes)."""
    t = tracker(
        text,
        intent="affirm",
        slots={"requested_slot": "return_reason", "order_id": "20231120012"},
        history=[
            {
                "event": "user",
                "text": opening,
                "parse_data": {"intent": {"name": "request_return"}},
            },
            {"event": "active_loop", "name": "return_form"},
        ],
    )
    t.active_loop = {"name": "return_form"}
    return t


async def test_yes_to_the_reason_asked_files_the_story_the_return_began_with(services):
    # heldout24: "晚上嗡嗡响 睡不着 退了算了", then asked why: "行 就这么提交吧"
    opening = "白色那台加湿机 晚上嗡嗡响 睡不着 退了算了 盒子都还留着"
    events, _, _ = await run_with_domain(
        ValidateReturnForm(), _asked_why(opening, "行 就这么提交吧")
    )
    assert slot(events, "return_reason") == opening


async def test_yes_without_a_story_is_no_reason_given(services):
    events, _, _ = await run_with_domain(ValidateReturnForm(), _asked_why("加湿器我要退货", "好的"))
    assert not any(e.get("name") == "return_reason" and e.get("value") for e in events)
