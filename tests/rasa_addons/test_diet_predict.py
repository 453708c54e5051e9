"""The ``diet_predict`` patch (rasa_addons/diet_predict.py): DIET's traced inference graph
called directly predicts exactly what Rasa's ``tf.function`` call predicts."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.rasa_proc import latest_model
from tests.rasa_addons.rasa_script import run_in_rasa

pytestmark = pytest.mark.rasa

# Run in .venv-rasa: load the trained model once, parse the messages as Rasa does, then with
# the patch, and count the predictions that went through the patched path.
PARSE_BOTH_WAYS = r"""
import asyncio, json, sys
from rasa.core.agent import Agent
from rasa_addons import diet_predict, patches

patches.apply("model_load")
agent = Agent.load(sys.argv[1])
texts = [
    "你好", "我的订单20231120003到哪了", "查一下订单20231120002的状态", "谢谢", "退款一般几天到账",
    "where is my order 20231120003", "我要投诉", "發票抬頭寫錯了能重開嗎", "asdfgh qwerty",
]

def parse_all():
    parses = []
    for text in texts:
        parsed = asyncio.run(agent.parse_message(text))
        parses.append({
            "text": text,
            "intent": parsed["intent"],
            "ranking": [(i["name"], i["confidence"]) for i in parsed["intent_ranking"]],
            "entities": sorted(
                json.dumps(e, sort_keys=True, default=str) for e in parsed["entities"]
            ),
        })
    return parses

released = parse_all()
diet_predict.patch_diet_predict()
patched = parse_all()
print(json.dumps({"released": released, "patched": patched, "calls": diet_predict.calls},
                 ensure_ascii=False))
"""


def _parse_both_ways() -> dict[str, Any]:
    model = latest_model()
    assert model is not None, "no trained model in models/ (make model)"
    result: dict[str, Any] = run_in_rasa(PARSE_BOTH_WAYS, str(model), timeout=600)
    return result


@pytest.mark.timeout(900)
def test_the_concrete_function_predicts_exactly_what_rasa_predicts():
    result = _parse_both_ways()
    # every message went through the patched path (DIET runs once per parsed message)
    assert result["calls"] == len(result["patched"])
    # the same intents with the same confidences to the last bit, the same entities
    assert result["patched"] == result["released"]
    assert {p["intent"]["name"] for p in result["released"]} >= {"greet", "track_shipment"}
