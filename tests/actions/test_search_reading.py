"""How a message is searched and decided on (``actions._kb_search``, ``actions._decide``):
an aside before the question, a product word in the question, a clear best answer below
*confident* — against the real demo knowledge base with the production encoder."""

from __future__ import annotations

import pytest

from actions._decide import clear_best, decide
from actions._kb_search import search_kb
from actions._products import without_kinds
from actions._reading import asked_clause, topic_clauses


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("不说了 你们过年发货不", "你们过年发货不"),  # an aside, then the question
        ("那大概能赔多少 多久到账", None),  # two questions
        ("那我直接拒收 运费要我出吗", None),  # the subject (拒收) comes before the question
        ("抬头好像写错了 能换开吗", None),  # (抬头: no topic word, but no aside either)
        ("你们过年发货不", None),  # one clause
        ("20231120003 到哪了", None),  # an order id has its own rule
    ],
)
def test_the_question_after_an_aside(text: str, clause: str | None) -> None:
    assert asked_clause(text) == clause


async def test_an_aside_does_not_drown_the_question(services) -> None:
    hits, thresholds = await search_kb(services, "不说了 你们过年发货不", "zh")
    assert thresholds is not None and hits[0].faq_id == "svc-005"
    assert decide("不说了 你们过年发货不", "ask_faq", hits, thresholds).source == "kb"


def test_a_message_without_its_product_words() -> None:
    assert without_kinds("睡衣套装发错码了") == "套装发错码了"
    assert without_kinds("where are my earbuds") == "where are my"
    assert without_kinds("发票怎么开") is None  # no product named


async def test_a_product_word_does_not_hide_the_question(services) -> None:
    # "睡衣" weighs on the short question (0.44 alone): searched without it too, wrong size
    # sent is the wrong-item FAQ, confidently
    hits, thresholds = await search_kb(services, "睡衣套装发错码了", "zh")
    assert thresholds is not None and hits[0].faq_id == "ord-005"
    assert hits[0].score >= thresholds.confident


async def test_a_wrong_item_is_searched_by_the_clause_that_says_it(services) -> None:
    from actions._item_wishes import wrong_item_clause

    text = "牛仔裤发错了 我买的深蓝27 收到的是浅蓝29"
    assert wrong_item_clause(text) == "牛仔裤发错了"
    hits, thresholds = await search_kb(services, text, "zh")
    assert hits[0].faq_id == "ord-005"
    assert decide(text, "nlu_fallback", hits, thresholds).source == "kb"  # rule 2c


async def test_a_clear_best_answer_answers_a_question(services) -> None:
    # the message's own hits (its cash-on-delivery reading, ``actions._shop_words``, makes it
    # confident through ``search_kb``)
    hits = services.searcher.search("货到付款有没有", "zh", 3)
    thresholds = services.searcher.thresholds
    assert hits[0].faq_id == "pay-001" and hits[0].score < thresholds.confident
    assert clear_best(hits, thresholds)
    decision = decide("货到付款有没有", "ask_faq", hits, thresholds)
    assert decision.source == "kb" and decision.hit is not None
    assert "不支持货到付款" in decision.hit.answer
    # a message the NLU could not place is answered when it asks ("有没有": X没X asks) …
    assert decide("货到付款有没有", "nlu_fallback", hits, thresholds).source == "kb"
    # … and is no question to guess at when it asks nothing
    assert decide("货到付款", "nlu_fallback", hits, thresholds).source == "intent"
    named, _ = await search_kb(services, "货到付款有没有", "zh")
    assert named[0].faq_id == "pay-001" and named[0].score >= thresholds.confident


@pytest.mark.parametrize("text", ["价格", "发货慢"])
async def test_two_close_answers_keep_the_choice(services, text: str) -> None:
    # "价格": price protection 0.48 against its exclusions 0.27; "发货慢": 0.67 against 0.44
    hits, thresholds = await search_kb(services, text, "zh")
    assert not clear_best(hits, thresholds)
    assert decide(text, "ask_faq", hits, thresholds).source == "intent"


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("积分能换啥 在哪换", ["积分能换啥"]),  # "在哪换" leans on the points
        ("那我直接拒收 运费要我出吗", []),  # the one question names its own topic
        ("那要是只是不喜欢想换个颜色呢 运费呢", []),  # each question its own topic
        ("积分能换啥", []),  # one clause
        ("她老人家不会弄这些 一般退款几天能到", ["一般退款几天能到"]),  # background before it
        ("藍牙喇叭買半年就壞了 送修的來回運費要我出嗎", ["送修的來回運費要我出嗎"]),
        ("付款后多久发货啊 寄到成都要几天能到", []),  # two questions, each its own
        ("收到不喜歡可以退嗎 要幾天內", []),
        ("抬头好像写错了 能换开吗", []),  # the title is the subject, no background
    ],
)
def test_the_clauses_that_carry_a_topic(text: str, clauses: list[str]) -> None:
    assert topic_clauses(text) == clauses


async def test_a_leaning_clause_does_not_drown_the_topic(services) -> None:
    # Whole, "积分能换啥 在哪换" reads as an exchange (换): the points' clause is searched too.
    hits, thresholds = await search_kb(services, "积分能换啥 在哪换", "zh")
    assert thresholds is not None and hits[0].faq_id == "mem-002"


async def test_a_scam_call_gets_the_anti_fraud_rule(services) -> None:
    text = "有人打电话说是你们客服 让我下个会议软件共享屏幕帮我退款 靠谱不"
    hits, thresholds = await search_kb(services, text, "zh")
    decision = decide(text, "nlu_fallback", hits, thresholds)
    assert decision.source == "kb" and decision.hit is not None
    assert decision.hit.faq_id == "acc-004"


async def test_not_liking_it_asks_the_no_reason_return(services) -> None:
    # "退" beside a dislike reads as the quality rule (0.89) ahead of the no-reason return (0.78);
    # searched beside it with the reason named, the no-reason return is first
    hits, _ = await search_kb(services, "東西拿到覺得不喜歡 幾天內可以退", "zh-Hant")
    assert hits[0].faq_id == "ret-001", hits
