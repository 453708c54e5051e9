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
  RulePolicy twice) on the training data's trackers (Rasa's vs ``past_states``).

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

from kefu.rasa_proc import rasa_python  # noqa: E402
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

out = {}
for part, fn, toggle in (("tracker", tracker_turns, set_tracker), ("lock", lock_turns, set_lock),
                         ("states", state_turns, set_states)):
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
    args = parser.parse_args()
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
