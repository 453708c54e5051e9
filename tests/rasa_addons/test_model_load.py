"""The ``model_load`` patch (rasa_addons/model_load.py): the trained model loads without a
training step and predicts exactly what Rasa's own loading predicts."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from kefu.config import ROOT
from kefu.rasa_proc import latest_model, rasa_python

pytestmark = pytest.mark.rasa

# Run in .venv-rasa: load the trained model (with the patch or as released), count the training
# steps taken while loading, and parse a few messages.
LOAD_AND_PARSE = r"""
import asyncio, json, sys
import tensorflow as tf
from rasa.core.agent import Agent
from rasa_addons import patches

model, setting = sys.argv[1], sys.argv[2]
patches.apply(setting)
fits = []
original_fit = tf.keras.Model.fit
def counting_fit(self, *args, **kwargs):
    fits.append(type(self).__name__)
    return original_fit(self, *args, **kwargs)
tf.keras.Model.fit = counting_fit

agent = Agent.load(model)
texts = [
    "你好", "我的订单怎么还没发货 20231120003", "快递到哪了", "退款一般几天到账",
    "我要投诉", "hello, where is my parcel", "I want a refund for order 20231120003",
    "發票抬頭寫錯了能重開嗎",
]
parses = []
for text in texts:
    parsed = asyncio.run(agent.parse_message(text))
    parses.append({
        "text": text,
        "ranking": [(i["name"], i["confidence"]) for i in parsed["intent_ranking"]],
        "entities": sorted(
            (e["entity"], str(e["value"]), e.get("start"), e.get("end"))
            for e in parsed["entities"]
        ),
    })
print(json.dumps({"fits": fits, "parses": parses}, ensure_ascii=False))
"""


def _load_and_parse(setting: str) -> dict[str, Any]:
    model = latest_model()
    assert model is not None, "no trained model in models/ (make model)"
    proc = subprocess.run(
        [str(rasa_python()), "-W", "ignore", "-c", LOAD_AND_PARSE, str(model), setting],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.timeout(900)  # two loads of the model, one of them Rasa's slow one
def test_the_model_loads_without_a_training_step_and_predicts_the_same():
    released = _load_and_parse("off")
    patched = _load_and_parse("model_load")
    assert released["fits"], "Rasa as released trains DIET one step to load it"
    assert patched["fits"] == []
    # the same intents with the same confidences, the same entities: the saved weights, all read
    assert patched["parses"] == released["parses"]
    assert {p["ranking"][0][0] for p in patched["parses"]} >= {"greet", "track_shipment"}
