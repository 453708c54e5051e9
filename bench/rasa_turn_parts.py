"""CPU of three parts of a Rasa turn, each with and without its patch, in one process.

    .venv/bin/python -m bench.rasa_turn_parts [--turns 400] [--rounds 3]

A bot_rest run (120 turns) moves by ±1-2 ms a turn on a shared machine, more than these parts
weigh; here each part runs alone, many times, alternating without/with its patch in the same
Rasa process (``.venv-rasa``), on an embedded Redis, and reports CPU ms per turn (the process's
``time.process_time``; the Redis server's own CPU is not counted):

- ``tracker``: retrieve the tracker, add a turn's four events, save it (``tracker_save`` alone
  vs ``tracker_save`` + ``tracker_known``), a conversation of ~20 turns;
- ``lock``: take and release the conversation's lock (Rasa's vs ``lock_store``);
- ``states``: the three ``past_states`` asks of one prediction (MemoizationPolicy once,
  RulePolicy twice) on the training data's trackers (Rasa's vs ``past_states``);
- ``graph``: a turn's runs of the model's graph — the NLU parse of one message of bot_rest's
  mix and three next-action predictions on the training data's trackers — through Rasa's
  dask runner vs ``graph_runner`` (loads the trained model: ``--model``, default the latest);
- ``combine``: the NLU parse of bot_rest's six messages, Rasa's ``hstack`` of their sparse
  features vs ``sparse_combine``;
- ``action_body``: the body of a turn's three action-server calls on a ~20-turn conversation,
  built and serialised as Rasa sends it vs ``action_json`` + ``domain_digest`` (the domain
  sent once, then its digest; ujson).

``--parts`` picks some (default: all).

The last line is JSON: ``{part: {"off": [ms per turn each round], "on": [...]}}``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.rasa_proc import latest_model, rasa_python  # noqa: E402
from kefu.redis_server import EmbeddedRedis  # noqa: E402

PARTS = r"""
import asyncio, json, sys, time
from urllib.parse import urlsplit
from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.core.training import load_data
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.rasa import RasaFileImporter
from rasa_addons import lock_store, past_states, patches, tracker_known

url, turns, rounds = urlsplit(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
wanted, model_path = sys.argv[4].split(","), sys.argv[5]
domain = Domain.load("domain.yml")
redis_args = dict(host=url.hostname, port=url.port, db=int(url.path.strip("/") or 0))
patches.apply("tracker_save")
saved_retrieve, saved_save = RedisTrackerStore._retrieve, RedisTrackerStore.save
tracker_known.patch_tracker_known()
known_retrieve, known_save = RedisTrackerStore._retrieve, RedisTrackerStore.save
rasa_lock = RedisLockStore.lock
lock_store.patch_lock_store()
script_lock = RedisLockStore.lock
rasa_states = Domain.states_for_tracker_history
past_states.patch_past_states()
kept_states = Domain.states_for_tracker_history

def cpu_ms(fn, n):
    start = time.process_time()
    fn(n)
    return round((time.process_time() - start) * 1000 / n, 3)

runs = [0]

def tracker_turns(n):
    store = RedisTrackerStore(domain, key_prefix="kefubench", **redis_args)
    runs[0] += 1
    async def run():
        for i in range(n):
            sender = f"r{runs[0]}c{i // 20}"  # a new conversation every 20 turns
            t = await store.retrieve(sender)
            if t is None:
                t = store.init_tracker(sender)
                t.update(ActionExecuted("action_session_start"))
                t.update(SessionStarted())
                t.update(ActionExecuted("action_listen"))
            t.update(UserUttered("我的订单20231120003到哪了", {"name": "track_shipment",
                                                              "confidence": 0.97}))
            t.update(SlotSet("order_id", "20231120003"))
            t.update(ActionExecuted("action_track_shipment"))
            t.update(BotUttered("您的订单20231120003已发货，正在运输途中。", {}))
            t.update(ActionExecuted("action_listen"))
            await store.save(t)
    asyncio.run(run())

def lock_turns(n):
    store = RedisLockStore(key_prefix="kefubench", **redis_args)
    async def run():
        for i in range(n):
            async with RedisLockStore.lock(store, f"c{i % 10}"):
                pass
    asyncio.run(run())

importer = RasaFileImporter(domain_path="domain.yml",
                            training_data_paths=["data/stories", "data/rules"])
trackers = [DialogueStateTracker.from_events("t", list(t.events), slots=domain.slots)
            for t in load_data(importer, domain, augmentation_factor=0)]

def state_turns(n):
    for i in range(n):
        t = DialogueStateTracker.from_events("t", list(trackers[i % len(trackers)].events),
                                             slots=domain.slots)
        t.past_states(domain, ignore_rule_only_turns=True, rule_only_data={})
        t.past_states(domain, ignore_rule_only_turns=False, rule_only_data={})
        t.past_states(domain, ignore_rule_only_turns=False, rule_only_data={})

def set_tracker(on):
    RedisTrackerStore._retrieve = known_retrieve if on else saved_retrieve
    RedisTrackerStore.save = known_save if on else saved_save

def set_lock(on):
    RedisLockStore.lock = script_lock if on else rasa_lock

def set_states(on):
    Domain.states_for_tracker_history = kept_states if on else rasa_states

texts = ["你好", "我的订单20231120003到哪了", "查一下订单20231120002的状态", "谢谢",
         "退款一般几天到账", "where is my order 20231120003"]
graph_state = {}

def graph_turns(n):
    from rasa.core.channels.channel import UserMessage
    processor = graph_state["agent"].processor
    for i in range(n):
        asyncio.run(processor.parse_message(UserMessage(texts[i % len(texts)],
                                                        metadata={"lang": "zh"})))
        for j in range(3):
            t = trackers[(3 * i + j) % len(trackers)]
            processor._predict_next_with_tracker(
                DialogueStateTracker.from_events("t", list(t.events), slots=domain.slots))

def set_graph(on):
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa_addons import graph_runner
    if "agent" not in graph_state:
        from rasa.core.agent import Agent
        from rasa_addons import model_load
        model_load.patch_model_load()
        graph_state["agent"] = Agent.load(model_path)
        graph_state["rasa"] = DaskGraphRunner.run
    DaskGraphRunner.run = graph_runner.run if on else graph_state["rasa"]

def parse_turns(n):
    from rasa.core.channels.channel import UserMessage
    processor = graph_state["agent"].processor
    for i in range(n):
        asyncio.run(processor.parse_message(UserMessage(texts[i % len(texts)],
                                                        metadata={"lang": "zh"})))

def set_combine(on):
    from rasa.shared.nlu.training_data.features import Features
    from rasa_addons import sparse_combine
    set_graph(False)
    if "combine" not in graph_state:
        graph_state["combine"] = Features._combine_sparse_features
    Features._combine_sparse_features = (sparse_combine._combine_sparse_features if on
                                         else graph_state["combine"])

body_state = {}

def body_turns(n):
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig
    from rasa_addons import action_call
    on, tracker = body_state["on"], body_state["tracker"]
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
    for i in range(n):
        for name in ("validate_track_form", "action_track_shipment", "action_listen_check"):
            action = RemoteAction(name, endpoint)
            if on:
                action_call._dumps(action_call.action_call_format(action, tracker, domain))
            else:
                json.dumps(RemoteAction._action_call_format(action, tracker, domain))

def set_body(on):
    if "tracker" not in body_state:
        t = DialogueStateTracker("b", domain.slots)
        for e in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen")):
            t.update(e)
        for i in range(20):
            for e in (UserUttered("我的订单20231120003到哪了", {"name": "track_shipment",
                                                            "confidence": 0.97}),
                      SlotSet("order_id", "20231120003"), ActionExecuted("action_track_shipment"),
                      BotUttered("您的订单20231120003已发货，正在运输途中。", {}),
                      ActionExecuted("action_listen")):
                t.update(e)
        body_state["tracker"] = t
    body_state["on"] = on

out = {}
for part, fn, toggle in (("tracker", tracker_turns, set_tracker), ("lock", lock_turns, set_lock),
                         ("states", state_turns, set_states), ("graph", graph_turns, set_graph),
                         ("combine", parse_turns, set_combine),
                         ("action_body", body_turns, set_body)):
    if part not in wanted:
        continue
    out[part] = {"off": [], "on": []}
    toggle(True); fn(20); toggle(False); fn(20)  # warm up both
    for r in range(rounds):
        for on in ((False, True) if r % 2 == 0 else (True, False)):
            toggle(on)
            out[part]["on" if on else "off"].append(cpu_ms(fn, turns))
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--parts", default="tracker,lock,states,graph,combine,action_body", help="comma-separated"
    )
    parser.add_argument("--model", type=Path, default=None, help="for graph (default: latest)")
    args = parser.parse_args()
    model = args.model or latest_model()
    needs_model = "graph" in args.parts or "combine" in args.parts
    if needs_model and (model is None or not model.exists()):
        raise SystemExit("no trained model: run `make model` or pass --model")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp), persistent=False) as redis:
        url = f"redis://127.0.0.1:{redis.port}/5"
        proc = subprocess.run(
            [
                str(rasa_python()),
                "-W",
                "ignore",
                "-c",
                PARTS,
                url,
                str(args.turns),
                str(args.rounds),
                args.parts,
                str(model),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
            env={
                "PATH": "/usr/bin:/bin",
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "RASA_TELEMETRY_ENABLED": "false",
                "HOME": str(Path.home()),
            },
        )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    for part, runs in result.items():
        off, on = sorted(runs["off"]), sorted(runs["on"])
        print(
            f"{part:8}: off {off} → on {on} CPU ms per turn (medians {off[len(off) // 2]} → "
            f"{on[len(on) // 2]})"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
