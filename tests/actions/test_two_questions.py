"""Two questions in one message (actions/_two_questions.py) through the actions Rasa runs for
them, on the real demo knowledge base: each part the knowledge base answers is answered, and a
part it cannot answer (the customer's own order: "发货了吗") is named back as a button, never
dropped. An angry message the NLU reads as out of scope gets a person."""

from __future__ import annotations

from actions._splitting import split_questions
from actions._two_questions import Part, asks_of_its_own, question_parts
from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.handoff import ActionOutOfScope
from actions.invoice_form import ValidateInvoiceForm
from actions.order_forms import ValidatePaymentForm, ValidateReturnForm
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import run_with_domain
from tests.actions.test_flows import run, slot


def _buttons(dispatcher) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return [b for m in dispatcher.messages for b in m.get("buttons") or []]


async def test_two_faq_questions_are_both_answered(services):  # type: ignore[no-untyped-def]
    events, texts, dispatcher = await run(
        ActionAnswerFaq(), tracker("包邮吗？还有就是能开发票不", intent="ask_faq")
    )
    assert any("59元" in t for t in texts) and any("电子普通发票" in t for t in texts)
    assert [m.get("faq_id") for m in dispatcher.messages] == ["shp-004", "inv-001"]
    assert slot(events, "faq_misses") == 0


async def test_two_questions_in_english(services):  # type: ignore[no-untyped-def]
    _, texts, _ = await run(
        ActionAnswerFaq(),
        tracker("do you ship to the US? also, can I get an invoice", intent="ask_faq", lang="en"),
    )
    joined = "\n".join(texts)
    assert "Singapore" in joined and "invoice" in joined.lower()


async def test_english_yes_no_questions_are_both_answered(services):  # type: ignore[no-untyped-def]
    # The split drops the question mark; "is shipping free" / "are your products genuine" are
    # still questions (the mark, or a clause opened by an auxiliary), never the own case.
    for text in (
        "hi, is shipping free? and can I pay with alipay",
        "is shipping free and can I pay with alipay",
    ):
        _, texts, dispatcher = await run(
            ActionAnswerFaq(), tracker(text, intent="ask_faq", lang="en")
        )
        assert [m.get("faq_id") for m in dispatcher.messages] == ["shp-004-en", "pay-001-en"], text
        assert "59" in texts[0] and "Alipay" in texts[1]
    _, texts, _ = await run(
        ActionAnswerFaq(),
        tracker(
            "Are your products genuine? Also do you ship to Hong Kong?", intent="ask_faq", lang="en"
        ),
    )
    assert "genuine" in texts[0].lower() and "Hong Kong" in texts[1]


async def test_a_tag_question_on_the_customers_own_item_is_not_split_off(services):  # type: ignore[no-untyped-def]
    # "那件大衣…能换成L吗 还没发货吧": the coat they bought, not the exchange FAQ with
    # "还没发货吧" offered as a second question; the change flow has the message whole.
    parts = await question_parts(services, "那件大衣M码我怕小 能换成L吗 还没发货吧", "zh")
    assert parts and all(p.hit is None for p in parts)


async def test_a_long_message_is_searched_whole_as_well(services):  # type: ignore[no-untyped-def]
    # Its focus ("can I get the difference back") names no price; the whole message does.
    text = "the price dropped right after I bought it, can I get the difference back?"
    _, texts, _ = await run(ActionAnswerFaq(), tracker(text, intent="ask_faq", lang="en"))
    assert "price protection" in texts[0].lower()


async def test_own_request_with_a_how_to_gets_the_answer_then_the_flow(services):  # type: ignore[no-untyped-def]
    text = "I need a VAT special invoice for my company, what info do you need from me"
    events, texts, _ = await run_with_domain(
        ValidateInvoiceForm(), tracker(text, intent="request_invoice", lang="en")
    )
    assert "tax number" in texts[0]
    assert not any(e.get("name") == "turn_handled" for e in events)  # the flow goes on


async def test_own_case_part_is_offered_not_dropped_at_a_flows_start(services):  # type: ignore[no-untyped-def]
    # Read as an invoice request: the invoice question is answered from the knowledge base and
    # "发货了吗" (the customer's own order) is offered as a button that asks it on its own.
    events, texts, dispatcher = await run_with_domain(
        ValidateInvoiceForm(), tracker("发货了吗？还有能开发票吗", intent="request_invoice")
    )
    assert "电子普通发票" in texts[0]
    assert {"title": "发货了吗", "payload": "发货了吗"} in _buttons(dispatcher)
    assert slot(events, "turn_handled") is True and slot(events, "requested_slot") is None


async def test_two_own_case_questions_the_flow_takes_one_and_reads_the_other(services):  # type: ignore[no-untyped-def]
    # Neither part is the knowledge base's; read as an invoice request, the invoice flow runs
    # and the bracelet's delivery — a read of the one order the product names — is answered
    # from the order beside it (actions._several_orders.read_parts), never dropped.
    events, texts, dispatcher = await run_with_domain(
        ValidateInvoiceForm(),
        tracker("我的手环到哪了？顺便问下这单能开发票吗", intent="request_invoice"),
    )
    assert "智能手环" in texts[0] and "JDVA21120005" in texts[0]
    assert not any("先帮您看" in t for t in texts) and _buttons(dispatcher) == []
    assert not any(e.get("name") == "turn_handled" for e in events)  # the flow goes on


async def test_an_own_case_part_that_is_no_read_is_still_offered(services):  # type: ignore[no-untyped-def]
    # "能退吗" of the same order is a return, not a read: offered, never dropped
    _, texts, dispatcher = await run_with_domain(
        ValidateInvoiceForm(),
        tracker("我的手环能退吗？顺便问下这单能开发票吗", intent="request_invoice"),
    )
    assert "先帮您看“这单能开发票吗”" in texts[0]
    assert {"title": "我的手环能退吗", "payload": "我的手环能退吗"} in _buttons(dispatcher)
    # Both parts the flow's own: nothing to offer.
    _, texts, _ = await run_with_domain(
        ValidateInvoiceForm(), tracker("我那单能开发票吗？抬头写公司的", intent="request_invoice")
    )
    assert not any("先帮您看" in t for t in texts)


async def test_fallback_answers_the_general_half(services):  # type: ignore[no-untyped-def]
    _, texts, dispatcher = await run(
        ActionFallback(), tracker("我的快递到哪了？另外退货运费谁出", intent="nlu_fallback")
    )
    assert "买家承担" in texts[0]
    titles = [b["title"] for b in _buttons(dispatcher)]
    assert "我的快递到哪了" in titles and "转人工客服" in titles


async def test_one_question_is_answered_once(services):  # type: ignore[no-untyped-def]
    _, texts, dispatcher = await run(ActionAnswerFaq(), tracker("包邮吗", intent="ask_faq"))
    assert len(texts) == 1 and "59元" in texts[0] and not _buttons(dispatcher)


async def test_angry_out_of_scope_message_gets_a_person(services, handoffs):  # type: ignore[no-untyped-def]
    text = "this is ridiculous, my earbuds are a week late and nobody tells me anything"
    _, texts, _ = await run(
        ActionOutOfScope(), tracker(text, intent="out_of_scope", lang="en", customer="demo-002")
    )
    assert [p["reason"] for p in handoffs] == ["negative_sentiment"]
    assert "sorry" in texts[0].lower()


async def test_a_message_naming_an_order_is_not_split(services):  # type: ignore[no-untyped-def]
    # "...? 20231120021" is about that order: its flow has the message whole.
    text = "the earbuds are broken, can you fix them? 20231120021"
    assert await question_parts(services, text, "en") == []
    assert len(await question_parts(services, "包邮吗？还有就是能开发票不", "zh")) == 2


async def test_a_part_that_only_says_which_order_is_not_offered_as_a_question(services):  # type: ignore[no-untyped-def]
    # "就大衣那个订单" names the order the first part is about; it asks nothing of its own, so
    # it is never offered back as "您另外问到的问题".
    _, texts, dispatcher = await run_with_domain(
        ValidatePaymentForm(),
        tracker("付款的时候卡了一下 结果扣了我两次钱！！ 就大衣那个订单", intent="payment_problem"),
    )
    assert not any("另外问到" in t for t in texts)
    assert not any(b["title"] == "就大衣那个订单" for b in _buttons(dispatcher))


async def test_a_reason_or_fact_is_not_offered_back_as_a_question(services):  # type: ignore[no-untyped-def]
    # "…还能退吗 没有质量问题 就是不想要了": the second part gives the reason of the return,
    # it asks nothing; neither does "it just doesn't fit". Only what asks (a question, the
    # state of their own order, a request) is offered back.
    for text, lang in (
        ("大衣买了十来天了 还能退不 也没啥毛病 就是不喜欢了", "zh"),
        ("can I still send the linen shirt back? it just doesn't fit me", "en"),
    ):
        _, texts, dispatcher = await run_with_domain(
            ValidateReturnForm(), tracker(text, intent="request_return", lang=lang)
        )
        assert not any("另外问到" in t or "other question" in t for t in texts), text
        assert [b for b in _buttons(dispatcher) if b["payload"] != "/request_human"] == [], text
    parts = [Part("就是不想要了", None), Part("发货了吗", None), Part("帮我把地址改一下", None)]
    assert [asks_of_its_own(p) for p in parts] == [False, True, True]


async def test_a_part_asking_more_about_the_one_before_stays_with_it(services):  # type: ignore[no-untyped-def]
    # "how long does it last" asks about the warranty of the part before; searched alone it
    # found the delivery times. The message is one question, answered with the warranty.
    text = "is there a warranty on appliances? how long does it last"
    assert await question_parts(services, text, "en") == []
    _, texts, _ = await run(ActionAnswerFaq(), tracker(text, intent="ask_faq", lang="en"))
    assert len(texts) == 1 and "1-year" in texts[0] and "Jiangsu" not in texts[0]
    assert split_questions("这个外套有M码吗 那多少钱") == ["这个外套有M码吗 那多少钱"]
    # Two questions of their own are still two.
    assert len(split_questions("do you ship to the US? also, can I get an invoice")) == 2


async def test_a_part_naming_a_channel_after_a_refund_asks_when_it_arrives(services):  # type: ignore[no-untyped-def]
    # inside the cancel ("取消后已付的 ¥599.00 会原路退回"): "我用信用卡付的 多久能到账" asks
    # when the refund reaches the card, not the payment methods its words find
    from actions._two_questions import question_parts

    text = "钱是原路回去吗 我用信用卡付的 多久能到账"
    answered = "确认要取消订单 20231120002 吗？取消后已付的 ¥599.00 会原路退回哦～"
    parts = await question_parts(services, text, "zh", answered)
    assert len(parts) == 2 and parts[1].hit is not None and "3–7" in parts[1].hit.answer


async def test_a_question_offered_back_keeps_the_customers_script(services):  # type: ignore[no-untyped-def]
    # split in its simplified reading (鑑賞期 → 无理由退货期), the part offered back is shown in
    # traditional characters to a traditional-Chinese customer; an English one is cut at a word
    _, _, dispatcher = await run(
        ActionAnswerFaq(),
        tracker(
            "東西有七天鑑賞期嗎？另外我那個保溫罐寄到哪了",
            intent="ask_faq",
            lang="zh-Hant",
            customer=None,
        ),
    )
    titles = [b["title"] for b in _buttons(dispatcher)]
    assert "我那個保溫罐寄到哪了" in titles[0], titles
    _, _, dispatcher = await run(
        ActionAnswerFaq(),
        tracker(
            "is shipping free? and would i be able to get the parcel left with my neighbour "
            "downstairs",
            intent="ask_faq",
            lang="en",
        ),
    )
    title = _buttons(dispatcher)[0]["title"]
    assert title.endswith("…") and title[:-1] == title[:-1].rstrip() and "downst" not in title


async def test_an_order_id_part_runs_that_orders_flow_beside_the_answer(services):  # type: ignore[no-untyped-def]
    # "20231120005啥时候能送到 另外想问 生日劵怎么领": the birthday coupons answered, then the
    # order's own delivery by its flow
    events, texts, _ = await run(
        ActionAnswerFaq(),
        tracker(
            "20231120005啥时候能送到 另外想问 生日劵怎么领",
            intent="ask_faq",
            entities=[{"entity": "order_id", "value": "20231120005"}],
        ),
    )
    assert any("生日" in t for t in texts)
    assert {"event": "followup", "name": "shipment_form", "timestamp": None} in events


async def test_an_order_and_a_general_question_read_as_a_question_get_both(services):
    # heldout24: the FAQ action hands the order to its flow, and answers the other part first
    t = tracker("20231120003今天能到不？还有签收以后几天内能退", intent="ask_faq")
    t.latest_message["intent_ranking"] = [
        {"name": "ask_faq", "confidence": 0.76},
        {"name": "track_shipment", "confidence": 0.21},
    ]
    events, texts, _ = await run(ActionAnswerFaq(), t)
    assert any("7天" in x for x in texts), texts  # the no-reason return window
    assert [e.get("name") for e in events if e.get("event") == "followup"] == ["shipment_form"]


async def test_an_order_not_placed_yet_is_no_case_of_the_customers_own(services):
    # heldout24: "my next order" is no order to look up — the payment methods answer it
    parts = await question_parts(
        services, "did the earbuds ship? also can i use paypal for my next order", "en"
    )
    assert [p.hit.faq_id if p.hit else None for p in parts] == [None, "pay-001-en"]
