"""The ``past_states`` patch (rasa_addons/past_states.py): the states every policy reads are
exactly Rasa's, for every story and rule of the training data and every way policies ask, and a
prediction's repeated asks replay the tracker once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rasa_addons.rasa_script import run_in_rasa

pytestmark = pytest.mark.rasa

# Run in .venv-rasa: the training data's trackers (stories and rules, with their forms and
# hidden rule turns), each also cut after every action; their states Rasa's way, then patched.
BOTH_WAYS = r"""
import copy, json, sys
from rasa.core.training import load_data
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_addons import past_states

domain = Domain.load("domain.yml")
importer = RasaFileImporter(
    domain_path="domain.yml", training_data_paths=["data/stories", "data/rules"]
)
loaded = load_data(importer, domain, augmentation_factor=0)
trackers = []
variants = []
for t in loaded:
    variants.append(list(t.events))
    if t.is_rule_tracker:
        # what a rule's prediction marks at run time: its actions hidden from ML policies
        hidden = copy.deepcopy(list(t.events))
        for e in hidden:
            if isinstance(e, ActionExecuted) and e.action_name != "action_listen":
                e.hide_rule_turn = True
        variants.append(hidden)
for events in variants:
    cuts = [i + 1 for i, e in enumerate(events) if isinstance(e, ActionExecuted)] + [len(events)]
    for cut in cuts:
        trackers.append(
            DialogueStateTracker.from_events("t", events[:cut], slots=domain.slots)
        )
forms = list(domain.form_names)
rule_only = {"slots": [s.name for s in domain.slots][:3], "active_loops": forms[:2]}
ASKS = [
    (omit, ignore, data)
    for omit in (False, True)
    for ignore in (False, True)
    for data in (None, rule_only)
]

def all_states(make_tracker):
    out = []
    for t in trackers:
        tracker = make_tracker(t)
        for omit, ignore, data in ASKS:
            states = tracker.past_states(domain, omit, ignore, data)
            out.append(json.dumps(states, sort_keys=True, default=list))
            # what a featurizer does with the states it gets: change the last one
            if states and states[-1]:
                for sub in states[-1].values():
                    sub.clear()
    return out

released = all_states(lambda t: t)
past_states.patch_past_states()
patched = all_states(lambda t: t)
replays = past_states.replays
print(json.dumps({"released": released, "patched": patched, "replays": replays,
                  "trackers": len(trackers), "asks": len(ASKS),
                  "rule_turns": sum(1 for v in variants for e in v
                                    if isinstance(e, ActionExecuted) and e.hide_rule_turn)}))
"""


def _both_ways() -> dict[str, Any]:
    result: dict[str, Any] = run_in_rasa(BOTH_WAYS, timeout=600)
    return result


@pytest.mark.timeout(900)
def test_the_states_are_rasas_and_each_tracker_is_replayed_once_per_setting():
    result = _both_ways()
    assert result["trackers"] > 50 and result["rule_turns"] > 0
    assert len(result["patched"]) == result["trackers"] * result["asks"]
    assert result["patched"] == result["released"]
    # eight asks of one tracker: one replay for each omit_unset_slots value, not eight
    assert result["replays"] == 2 * result["trackers"]
