"""Only what can be an order id becomes the ``order_id`` entity (rasa_addons.order_ids), on its
own and inside the trained model's parse."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kefu.config import ROOT
from shop import normalise_order_id
from tests.rasa_addons.rasa_script import run_in_rasa

pytestmark = pytest.mark.rasa

MODEL = Path(os.environ.get("RASA_TEST_MODEL") or ROOT / "models" / "kefu.tar.gz")

CHECK = r"""
import json, sys
from rasa_addons.order_ids import as_order_id, order_id_entities
cases = json.loads(sys.stdin.read())
out = []
for text, entities in cases:
    found = order_id_entities(text, entities, "t")
    out.append([e["value"] for e in found if e["entity"] == "order_id"])
print(json.dumps([out, [as_order_id(v) for v in ["20231120001", "kf2023112000123", "2 0231 120001",
    "13812345678", "2", "89", "2023-1120-005", "1234567"]]]))
"""


def _entity(value: str, start: int = 0) -> dict[str, object]:
    return {"entity": "order_id", "value": value, "start": start, "end": start + len(value)}


def _run(cases: list[list[object]]) -> list[object]:
    result: list[object] = run_in_rasa(CHECK, stdin=json.dumps(cases), timeout=120)
    return result


def test_numbers_that_cannot_be_order_ids_are_dropped_and_spaced_ids_joined() -> None:
    lang = {"entity": "lang", "value": "en", "start": 0, "end": 0}
    cases: list[list[object]] = [
        ["hi where are my earbuds?? ordered 2 days ago", [_entity("2", 33), lang]],
        ["T恤那个单我明明付过钱了 微信都扣了89", [_entity("89", 19)]],
        ["2023 1120 005 这个单什么情况了", []],
        ["订单号 2023-1120-005 到哪了", [_entity("2023", 4)]],
        ["帮我查下20231120001", [_entity("20231120001", 4), _entity("20231120001", 4)]],
        ["电话 138 1234 5678 订单 20231120002", [_entity("20231120002", 20)]],
        ["电话 138 1234 5678", []],
        ["599 599 扣了两次", []],
        ["20231120.003到哪儿了", [_entity("20231120", 0)]],  # a dot between the groups
        ["No.20231120004 物流三天没动静了", [_entity("No.20231120004", 0)]],  # "No." stays
    ]
    found, shapes = _run(cases)  # type: ignore[misc]
    assert found == [
        [],
        [],
        ["20231120005"],
        ["20231120005"],
        ["20231120001", "20231120001"],  # the regex extractor's and DIET's: both kept
        ["20231120002"],
        [],
        [],
        ["20231120003"],
        [],
    ]
    assert shapes == [
        "20231120001",
        "KF2023112000123",
        "20231120001",
        None,
        None,
        None,
        "20231120005",
        None,
    ]
    # The action server reads the same shapes (a pasted id with spaces included).
    assert normalise_order_id("2023 1120 005") == "20231120005"
    assert normalise_order_id("89") is None


PARSE = r"""
import asyncio, json, sys
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
out = []
for text in json.loads(sys.stdin.read()):
    parsed = asyncio.run(agent.parse_message(text))
    out.append(sorted({e["value"] for e in parsed["entities"] if e["entity"] == "order_id"}))
print(json.dumps(out))
"""


def test_the_trained_model_gives_only_order_ids() -> None:
    texts = [
        "hi where are my earbuds?? ordered 2 days ago",
        "T恤那个单我明明付过钱了 微信都扣了89 订单还显示待付款 怎么回事啊",
        "2023 1120 005 这个单什么情况了",
        "20231120003到哪了",
    ]
    parsed = run_in_rasa(PARSE, str(MODEL), stdin=json.dumps(texts), timeout=300)
    assert parsed == [
        [],
        [],
        ["20231120005"],
        ["20231120003"],
    ]
