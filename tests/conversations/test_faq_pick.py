"""A tapped "您想问的是…" suggestion through the whole real stack (gateway REST channel, Rasa
with the trained model, action server, the demo knowledge base in SQL, Redis): its payload
``/faq_pick{"faq_id":"…"}`` is answered with that FAQ, never read by the NLU — not even when the
FAQ's question, typed, starts an order flow; an id that is not published gets a polite reply
that offers a person; a traditional-Chinese customer reads the answer in traditional."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis as sync_redis

from actions._picks import pick_payload
from bench.gateway_stack import Stack
from evaluation.run import eval_stack
from kefu.i18n import to_traditional
from knowledge_base import open_store
from knowledge_base.demo import demo_faqs
from knowledge_base.live import announce

pytestmark = pytest.mark.rasa

FAQS = {f.id: f for f in demo_faqs()}
ASKS_ORDER = ("是哪一个订单", "麻烦您提供一下订单号")  # the order flows' first question


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with eval_stack() as s:
        yield s


def send(stack: Stack, conv: str, text: str, lang: str = "zh") -> dict[str, Any]:
    r = httpx.post(
        f"{stack.gateway_url}/api/v1/conversations/{conv}/messages",
        json={"text": text, "lang": lang, "customer_id": "demo-001"},
        headers={"Authorization": f"Bearer {stack.api_key}"},
        timeout=90,
    )
    assert r.status_code == 200, r.text
    return r.json()


def said(outcome: dict[str, Any]) -> str:
    return "\n".join(str(r.get("text") or "") for r in outcome["replies"])


def test_a_tap_is_answered_with_its_faq_even_when_its_text_starts_an_order_flow(stack: Stack):
    faq = FAQS["shp-002"]  # 订单一直没发货怎么办？
    typed = send(stack, "pick-typed", faq.question)
    assert any(w in said(typed) for w in ASKS_ORDER), said(typed)  # typed: the order flow
    tapped = send(stack, "pick-tapped", pick_payload(faq.id))
    assert [r["text"] for r in tapped["replies"]] == [faq.answer]  # that answer, nothing else
    assert tapped["owner"] == "bot"
    after = send(stack, "pick-tapped", "谢谢")  # no flow left waiting for an order number
    assert not any(w in said(after) for w in ASKS_ORDER), said(after)


def test_a_traditional_customer_reads_the_answer_in_traditional(stack: Stack):
    faq = FAQS["ret-004"]
    tapped = send(stack, "pick-hant", pick_payload(faq.id), lang="zh-Hant")
    assert said(tapped) == to_traditional(faq.answer) != faq.answer


def test_an_unpublished_or_deleted_id_gets_a_polite_reply_and_a_person(stack: Stack):
    store = open_store(stack.env["KEFU_DATABASE_URL"])
    draft = store.create(
        {"id": "draft-secret-1", "question": "内部草稿问题", "answer": "草稿里的秘密答案"},
        author="test",
    )
    for conv, faq_id, lang in (
        ("pick-draft", str(draft["id"]), "zh"),
        ("pick-nonsense", "no-such-faq", "en"),
        ("pick-hostile", '"}{"faq_id": 1', "zh"),
    ):
        out = send(stack, conv, pick_payload(faq_id), lang=lang)
        assert out["owner"] == "bot"
        assert "草稿里的秘密答案" not in said(out)
        assert ("转人工" in said(out)) if lang == "zh" else ("agent" in said(out)), said(out)
        payloads = [b["payload"] for r in out["replies"] for b in r.get("buttons") or []]
        assert "/request_human" in payloads

    # The editor deletes an FAQ a customer was just offered: the tap is answered politely.
    gone = FAQS["cpn-003"]
    store.archive(gone.id, author="test")
    version = store.publish(author="test")["version"]
    rasa_redis = sync_redis.Redis.from_url(stack.redis_url.rsplit("/", 1)[0] + "/6")
    announce(rasa_redis, version)
    rasa_redis.close()
    deadline = time.monotonic() + 120  # the action server rebuilds its index in the background
    while True:
        out = send(stack, f"pick-gone-{int(time.monotonic())}", pick_payload(gone.id))
        if gone.answer not in said(out) or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert gone.answer not in said(out)
    assert "转人工" in said(out) and out["owner"] == "bot"


def test_the_payload_is_rasas_button_convention():
    assert pick_payload("ret-001") == '/faq_pick{"faq_id":"ret-001"}'
    assert json.loads(pick_payload('a"b').removeprefix("/faq_pick")) == {"faq_id": 'a"b'}
