"""The product page the customer came from (咨询此商品) in the handoff packet: checked by the one
packet validator, taken from the conversation when the packet has none, mentioned in the summary
— real staff console, Redis and SQL."""

from __future__ import annotations

import json

import pytest

from handoff.product import BadProduct, clean_product
from kefu import redis_keys as keys
from tests.staff_console import Console

PRODUCT = {"id": "SKU-1001", "title": "羊毛大衣", "url": "https://shop.example/p/1001"}


async def stored_packet(c: Console, conv: str) -> dict:  # type: ignore[type-arg]
    raw = await c.ctx.redis.get(keys.conv_packet(conv))
    assert raw, "no packet stored"
    return json.loads(raw)  # type: ignore[no-any-return]


async def test_a_packet_names_the_product_and_its_summary_mentions_it(console: Console):
    c = console
    r = await c.handoff("web-p1", product={**PRODUCT, "price": "¥599"})
    assert r.status_code in (200, 201), r.text
    packet = await stored_packet(c, "web-p1")
    assert packet["product"] == {**PRODUCT, "price": "¥599"}
    assert "咨询商品：羊毛大衣（SKU-1001，¥599）" in packet["summary"]
    assert packet["summary"].startswith("鞋子小了想换大一码")  # what the bot wrote stays first


async def test_the_product_stored_with_the_conversation_fills_the_packet(console: Console):
    c = console
    await c.ctx.conversations.append(
        "web-p2",
        "message",
        {"from": "customer", "text": "这个有货吗"},
        channel="web",
        customer_id="web-anon-p2",
        product=json.dumps(PRODUCT, ensure_ascii=False),
    )
    r = await c.handoff("web-p2")
    assert r.status_code in (200, 201), r.text
    packet = await stored_packet(c, "web-p2")
    assert packet["product"] == PRODUCT and "羊毛大衣" in packet["summary"]


async def test_a_stored_product_that_no_longer_passes_is_left_out(console: Console):
    c = console
    await c.ctx.conversations.append(
        "web-p3",
        "message",
        {"from": "customer", "text": "hi"},
        channel="web",
        product=json.dumps({**PRODUCT, "url": "javascript:alert(1)"}),
    )
    r = await c.handoff("web-p3")
    assert r.status_code in (200, 201), r.text
    assert "product" not in await stored_packet(c, "web-p3")


@pytest.mark.parametrize(
    "product",
    [
        {**PRODUCT, "url": "javascript:alert(1)"},
        {**PRODUCT, "url": "//evil.example/x"},
        {**PRODUCT, "image": "file:///etc/passwd"},
        {**PRODUCT, "title": ""},
        {**PRODUCT, "id": "x" * 65},
        {**PRODUCT, "price": "9" * 33},
        {**PRODUCT, "url": "https://shop.example/" + "a" * 2000},
        {**PRODUCT, "style": "color:red"},
        ["SKU-1001"],
        {**PRODUCT, "title": {"zh": "大衣"}},
    ],
)
async def test_a_bad_product_is_a_400_with_its_code(console: Console, product):
    r = await console.handoff("web-p4", product=product)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid_product"
    assert await console.ctx.redis.get(keys.conv_packet("web-p4")) is None


def test_control_characters_are_blanked_and_text_kept_as_given():
    cleaned = clean_product({**PRODUCT, "title": "大衣\n<script>x</script>\x00", "price": 599})
    assert cleaned == {**PRODUCT, "title": "大衣 <script>x</script>", "price": "599"}
    with pytest.raises(BadProduct):
        clean_product({**PRODUCT, "url": "https://shop.example/a\nb"})
