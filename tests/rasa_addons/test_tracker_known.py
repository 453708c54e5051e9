"""The ``tracker_known`` patch (rasa_addons/tracker_known.py) on a real Redis: a save after the
turn's retrieve writes without reading the tracker back, stores exactly what the ``tracker_save``
patch stores, and a tracker written by someone else in between is never overwritten blindly."""

from __future__ import annotations

import json

from tests.rasa_addons.test_rasa_addons import _in_rasa_env

# Run in .venv-rasa: the same turns with ``tracker_save`` alone, then with ``tracker_known``;
# also two stores (two Rasa servers) writing one conversation in turn.
KNOWN_CHECK = r"""
import asyncio, json, sys
from urllib.parse import urlsplit
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa_addons import patches, tracker_known

url = urlsplit(sys.argv[1])
domain = Domain.load("domain.yml")

def session(t, text):
    return [
        ActionExecuted("action_session_start", timestamp=t),
        SessionStarted(timestamp=t + 0.1),
        ActionExecuted("action_listen", timestamp=t + 0.2),
        UserUttered(text, {"name": "greet", "confidence": 0.9}, timestamp=t + 0.3),
        SlotSet("lang", "zh", timestamp=t + 0.4),
        ActionExecuted("utter_greet", timestamp=t + 0.5),
        BotUttered("您好呀", {"elements": None}, timestamp=t + 0.6),
        ActionExecuted("action_listen", timestamp=t + 0.7),
    ]

def store(prefix):
    return RedisTrackerStore(domain, host=url.hostname, port=url.port,
                             db=int(url.path.strip("/") or 0), key_prefix=prefix,
                             record_exp=3600)

async def turn(s, sender, text, t):
    tracker = await s.retrieve(sender)
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 0.8}, timestamp=t))
    tracker.update(ActionExecuted("action_listen", timestamp=t + 0.5))
    await s.save(tracker)

async def scenario(prefix):
    a, b = store(prefix), store(prefix)
    out = {}
    # 1. a new conversation, then turns
    t = a.init_tracker("one")
    for e in session(1000.0, "你好"):
        t.update(e)
    await a.save(t)
    for k, text in enumerate(["在吗", "谢谢", "查订单"]):
        await turn(a, "one", text, 1100.0 + k)
    # 2. two sessions stored; a turn sees the last one only, the save keeps both
    t = a.init_tracker("two")
    for e in session(2000.0, "早") + session(9000.0, "晚上好"):
        t.update(e)
    await a.save(t)
    await turn(a, "two", "还在吗", 9100.0)
    # 3. the session-start metadata slot stored before the last session
    t = a.init_tracker("three")
    t.update(SlotSet("session_started_metadata", {"channel": "rest"}, timestamp=3000.0))
    for e in session(3000.1, "你好"):
        t.update(e)
    await a.save(t)
    await turn(a, "three", "查订单", 3100.0)
    # 4. server a read the tracker, server b wrote a turn meanwhile, then a saves its own
    t = a.init_tracker("four")
    for e in session(4000.0, "你好"):
        t.update(e)
    await a.save(t)
    stale = await a.retrieve("four")
    await turn(b, "four", "我先说", 4100.0)
    stale.update(UserUttered("我后说", {"name": "greet", "confidence": 0.8}, timestamp=4200.0))
    await a.save(stale)
    # 5. a tracker that expired (or was flushed) between retrieve and save
    t = a.init_tracker("five")
    for e in session(5000.0, "你好"):
        t.update(e)
    await a.save(t)
    kept = await a.retrieve("five")
    a.red.delete(a.key_prefix + "five")
    kept.update(UserUttered("还在吗", {"name": "greet", "confidence": 0.8}, timestamp=5100.0))
    await a.save(kept)
    for sender in ("one", "two", "three", "four", "five"):
        out[sender] = a.red.get(a.key_prefix + sender)
        out[sender + "_ttl"] = a.red.ttl(a.key_prefix + sender) > 3000
    return out

patches.apply("tracker_save")
saved = asyncio.run(scenario("kefuknownbefore"))
tracker_known.patch_tracker_known()
known = asyncio.run(scenario("kefuknownafter"))
print(json.dumps({"before": saved, "after": known, "written": tracker_known.written,
                  "read_back": tracker_known.read_back}, ensure_ascii=False))
"""


def test_a_known_tracker_is_saved_as_before_without_reading_it_back(redis_url: str):
    result = _in_rasa_env(KNOWN_CHECK, redis_url)
    before, after = result["before"], result["after"]
    for sender in ("one", "two", "three", "four", "five"):
        assert after[sender] == before[sender], sender
        assert after[sender + "_ttl"] and before[sender + "_ttl"]
    # what b wrote in between is kept, and a's line too (Rasa's merge, as before)
    said = [e.get("text") for e in json.loads(after["four"])["events"] if e["event"] == "user"]
    assert said == ["你好", "我先说", "我后说"]
    # written without reading back: the turns of one (3), two and three, and b's turn on four;
    # read back: the five first saves (no retrieve before them), a's stale save of four and
    # five's save after its tracker vanished
    assert result["written"] == 3 + 1 + 1 + 1
    assert result["read_back"] == 5 + 1 + 1
