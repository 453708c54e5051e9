"""The ``graph_runner`` patch (rasa_addons/graph_runner.py): the model's graph run in a kept
order, without dask, parses every message and predicts every next action exactly as Rasa's
dask runner does."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.rasa_proc import latest_model
from tests.rasa_addons.rasa_script import run_in_rasa

pytestmark = pytest.mark.rasa

# Run in .venv-rasa: load the trained model once; parse messages and predict the next action
# for every story and rule tracker of the training data cut after each of its actions, with
# Rasa's runner, then with the patch; count the runs that went through the patched path.
RUN_BOTH_WAYS = r"""
import asyncio, json, sys
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.training import load_data
from rasa.engine.exceptions import GraphRunError
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.rasa import RasaFileImporter
from rasa_addons import graph_runner, patches

patches.apply("model_load")
agent = Agent.load(sys.argv[1])
processor, domain = agent.processor, agent.domain
texts = [
    "你好", "我的订单20231120003到哪了", "查一下订单20231120002的状态", "谢谢", "退款一般几天到账",
    "where is my order 20231120003", "我要投诉", "發票抬頭寫錯了能重開嗎", "asdfgh qwerty",
    "/greet",
]
importer = RasaFileImporter(domain_path="domain.yml",
                            training_data_paths=["data/stories", "data/rules"])
events = []
for t in load_data(importer, domain, augmentation_factor=0):
    evts = list(t.events)
    cuts = [i + 1 for i, e in enumerate(evts) if isinstance(e, ActionExecuted)]
    events += [evts[:cut] for cut in cuts[:: max(1, len(cuts) // 4)]]

def as_dicts(evts):
    # timestamps are the time of the call
    return [{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in evts]

def run_all():
    parses = []
    for text in texts:
        parsed = asyncio.run(processor.parse_message(UserMessage(text, metadata={"lang": "zh"})))
        parses.append(json.dumps(parsed, sort_keys=True, default=str, ensure_ascii=False))
    predictions = []
    for evts in events:
        tracker = DialogueStateTracker.from_events("t", evts, slots=domain.slots)
        p = processor._predict_next_with_tracker(tracker)
        predictions.append(json.dumps({
            "probabilities": p.probabilities, "policy": p.policy_name,
            "priority": p.policy_priority, "events": as_dicts(p.events),
            "optional_events": as_dicts(p.optional_events),
            "e2e": p.is_end_to_end_prediction, "no_user": p.is_no_user_prediction,
            "hide_rule_turn": p.hide_rule_turn, "metadata": p.action_metadata,
            "diagnostic": sorted(p.diagnostic_data),
        }, sort_keys=True, default=str))
    return parses, predictions

# a node's name as an input's value (the tokenizer's: its place in the pipeline may change)
node = next(n for n in processor.graph_runner._graph_schema.nodes
            if n.startswith("run_JiebaTokenizer"))

def clash():
    try:
        processor.graph_runner.run(inputs={"__message__": node},
                                   targets=[processor.model_metadata.nlu_target])
    except GraphRunError as e:
        return str(e)
    return None

released = run_all()
released_clash = clash()
graph_runner.patch_graph_runner()
patched = run_all()
print(json.dumps({"released": released, "patched": patched, "runs": graph_runner.runs,
                  "clash": [released_clash, clash()], "predictions": len(events)},
                 ensure_ascii=False))
"""


def _run_both_ways() -> dict[str, Any]:
    model = latest_model()
    assert model is not None, "no trained model in models/ (make model)"
    result: dict[str, Any] = run_in_rasa(RUN_BOTH_WAYS, str(model), timeout=900)
    return result


@pytest.mark.timeout(900)
def test_the_kept_order_parses_and_predicts_exactly_what_dask_does():
    result = _run_both_ways()
    released_parses, released_predictions = result["released"]
    patched_parses, patched_predictions = result["patched"]
    # every parse and every prediction went through the patched runner
    assert result["runs"] == len(patched_parses) + len(patched_predictions)
    assert result["predictions"] > 100
    # the same parse (intent ranking, confidences to the last bit, entities) for every message
    assert patched_parses == released_parses
    # the same prediction (probabilities, policy, events) for every tracker
    assert patched_predictions == released_predictions
    assert len(set(released_predictions)) > 10  # the trackers ask for different actions
    # an input clashing with a node name is refused with Rasa's error
    assert result["clash"][0] is not None
    assert result["clash"][1] == result["clash"][0]
