"""Routing by the seeds' rules, through the staff console's handoff API (real Redis and SQL):
each intent family reaches its group, flows and complaints keep theirs, a language goes to
the group that serves it, and each group keeps its own business hours and time zone."""

from __future__ import annotations

import dataclasses

import pytest

from handoff.skills import group_for_intents
from tests.staff_console import Console


def intents(*names: str) -> list[dict[str, object]]:
    return [{"name": n, "confidence": 0.9} for n in names]


@pytest.mark.parametrize(
    ("reason", "said", "posted", "group"),
    [
        # the bot names no group (a person asked for, misses, anger, a VIP): the rules route
        ("explicit_request", ("product_inquiry", "request_human"), "", "presale"),
        ("explicit_request", ("greet", "request_return", "request_human"), "", "aftersales"),
        ("explicit_request", ("check_refund", "request_human"), "", "aftersales"),
        ("repeated_fallback", ("request_repair", "nlu_fallback"), "", "aftersales"),
        ("explicit_request", ("track_shipment", "request_human"), "", "logistics"),
        ("negative_sentiment", ("file_complaint",), "", "complaints"),
        ("low_confidence", ("ask_faq", "ask_faq"), "", "presale"),
        # a specific intent outweighs a general FAQ question that came later
        ("low_confidence", ("track_shipment", "ask_faq"), "", "logistics"),
        # nothing specific: the shop's default group
        ("repeated_fallback", ("nlu_fallback", "nlu_fallback"), "", "aftersales"),
        # a packet that names its group (a flow's own reason) keeps it
        ("flow_needs_human", ("track_shipment",), "aftersales", "aftersales"),
        ("explicit_request", ("request_return",), "presale", "presale"),
    ],
)
async def test_each_intent_family_reaches_its_group(
    console: Console, reason: str, said: tuple[str, ...], posted: str, group: str
):
    c = console
    for name in ("presale", "aftersales", "logistics", "complaints"):
        await c.agent(f"a-{name}", [name], capacity=5)
    r = await c.handoff("route-1", reason=reason, intents=intents(*said), skill_group=posted)
    body = r.json()
    assert body["skill_group"] == group, body
    assert body.get("agent") == f"a-{group}"  # complaints may be claimed; these auto-assign
    assert (await c.ctx.conversations.state("route-1")).group == group


async def test_language_and_hours_per_group(console: Console):
    c = console
    c.ctx.queue.config = dataclasses.replace(
        c.ctx.queue.config,
        skill_groups=["presale", "aftersales", "logistics", "complaints", "presale_hk"],
        language_groups={"presale": {"zh-Hant": "presale_hk"}},
        # Hong Kong's team keeps its own hours (here: none at all), the others are open
        group_hours={"presale_hk": "00:00-00:00"},
        group_timezones={"presale_hk": "Asia/Hong_Kong"},
    )
    await c.agent("hk", ["presale_hk"])
    await c.agent("sh", ["presale"])
    hant = {"id": "c-hk", "display_name": "陳先生", "vip_level": 0, "language": "zh-Hant"}
    r = await c.handoff("hk-1", customer=hant, intents=intents("product_inquiry"), skill_group="")
    body = r.json()
    assert body["skill_group"] == "presale_hk"
    assert (body["status"], body["reason"]) == ("no_agents", "outside_business_hours")
    assert body["ticket"]["id"]  # an honest ticket, not a queue nobody works
    r = await c.handoff("sh-1", intents=intents("product_inquiry"), skill_group="")
    assert (r.json()["skill_group"], r.json().get("agent")) == ("presale", "sh")


def test_the_rule_itself():
    assert group_for_intents([]) is None
    assert group_for_intents(["greet", "thank"]) is None
    assert group_for_intents(["request_invoice", "product_inquiry"]) == "presale"
    assert group_for_intents(["product_inquiry", "payment_problem"]) == "aftersales"
