"""rasa_addons runs inside Rasa's environment: the patch is checked there (a subprocess of
.venv-rasa's Python), the language component through the real Rasa server and model."""

from __future__ import annotations

import json
import subprocess
import uuid
from typing import Any

import httpx
import pytest

from kefu.config import ROOT
from kefu.rasa_proc import rasa_python
from tests.conftest import TEST_INTERNAL_TOKEN

INTERNAL = {"Authorization": f"Bearer {TEST_INTERNAL_TOKEN}"}

# Every test here runs code in .venv-rasa (or the Rasa server with the trained model).
pytestmark = pytest.mark.rasa

# Run in .venv-rasa: the patched validator must judge action-server responses exactly as Rasa's
# own jsonschema.validate does, and be what RemoteAction uses once applied.
PATCH_CHECK = r"""
import json, sys
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa_addons import patches

samples = json.loads(sys.argv[1])
schema = RemoteAction.action_response_format_spec()
original = RemoteAction._validate_action_result
patches.apply()
patches.apply()  # idempotent
out = {"patched": RemoteAction._validate_action_result is not original, "verdicts": []}
for sample in samples:
    verdict = {}
    try:
        validate(sample, schema)
        verdict["rasa"] = "ok"
    except ValidationError as e:
        verdict["rasa"] = e.message
    try:
        RemoteAction._validate_action_result(None, sample)
        verdict["patched"] = "ok"
    except ValidationError as e:
        verdict["patched"] = e.message.split(". Failed to validate")[0]
        verdict["hint"] = "Failed to validate Action server response" in e.message
    out["verdicts"].append(verdict)
print(json.dumps(out))
"""

SAMPLES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "order_id", "value": "20231120003"}]},
    {"events": [{"event": "active_loop", "name": "order_status_form"}], "responses": [{}]},
    {"events": [{"event": "followup", "name": "action_listen"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},
    {"responses": "nope"},
]


def _in_rasa_env(script: str, arg: str) -> dict[str, Any]:
    """Run ``script`` with .venv-rasa's Python from the project root; its last line of output,
    as JSON."""
    proc = subprocess.run(
        [str(rasa_python()), "-c", script, arg],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_patched_validation_judges_action_responses_like_rasa():
    result = _in_rasa_env(PATCH_CHECK, json.dumps(SAMPLES))
    assert result["patched"] is True
    verdicts = result["verdicts"]
    valid = [True] * 4 + [False] * 4  # SAMPLES: four valid responses, then four broken ones
    assert [v["rasa"] == "ok" for v in verdicts] == valid
    for v in verdicts:
        assert v["patched"] == v["rasa"]
        if v["rasa"] != "ok":
            assert v["hint"] is True  # Rasa's pointer to the docs is kept


@pytest.mark.parametrize(
    ("text", "metadata", "expected"),
    [
        ("谢谢", {"lang": "zh"}, "不客气呀"),
        ("谢谢", {"lang": "zh-Hant"}, "不客氣呀"),  # the gateway's choice wins over the text
        ("謝謝你", None, "不客氣呀"),  # no metadata: traditional characters decide
        ("thanks a lot", None, "You're very welcome"),
        ("thank you", {"lang": "en-US"}, "You're very welcome"),
    ],
)
def test_lang_slot_is_set_in_rasa_from_metadata_or_text(
    rasa_stack, text: str, metadata: dict[str, str] | None, expected: str
):
    # utter_thank is a domain response whose variant depends on the `lang` slot, named by
    # action_thank right after the message and rendered by Rasa: only a slot set while Rasa
    # reads the message picks it.
    body: dict[str, object] = {"sender": f"lang-{uuid.uuid4().hex[:10]}", "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    r = httpx.post(
        f"{rasa_stack.rasa_url}/webhooks/kefu/webhook", json=body, headers=INTERNAL, timeout=30
    )
    assert r.status_code == 200, r.text
    texts = [m.get("text", "") for m in r.json()]
    assert any(expected in t for t in texts), texts


# Run in .venv-rasa against the test Redis: the same conversations saved by Rasa's own
# RedisTrackerStore and by the patched one must leave byte-identical keys, including a
# conversation with an earlier session (the slow path) and one started the way Rasa starts a
# session (the metadata slot before it: the fast path), and events must read back the same.
STORE_CHECK = r"""
import asyncio, json, sys
from urllib.parse import urlsplit
from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.utils.common import all_subclasses
from rasa_addons import patches

url = urlsplit(sys.argv[1])
domain = Domain.load("domain.yml")

def session(t, text):
    return [
        ActionExecuted("action_session_start", timestamp=t),
        SessionStarted(timestamp=t + 0.1),
        ActionExecuted("action_listen", timestamp=t + 0.2),
        UserUttered(text, {"name": "greet", "confidence": 0.9},
                    entities=[{"entity": "lang", "value": "zh", "start": 0, "end": 0}],
                    timestamp=t + 0.3),
        SlotSet("lang", "zh", timestamp=t + 0.4),
        ActionExecuted("utter_greet", timestamp=t + 0.5),
        BotUttered("您好呀", {"elements": None}, timestamp=t + 0.6),
        ActionExecuted("action_listen", timestamp=t + 0.7),
    ]

async def more_turns(store, sender, texts, t):
    # each text a turn of its own: retrieve, add the message and action_listen, save
    for k, text in enumerate(texts):
        tracker = await store.retrieve(sender)
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 0.8}, timestamp=t + k))
        tracker.update(ActionExecuted("action_listen", timestamp=t + k + 0.5))
        await store.save(tracker)

async def scenario(prefix):
    store = RedisTrackerStore(domain, host=url.hostname, port=url.port,
                              db=int(url.path.strip("/") or 0), key_prefix=prefix)
    out = {}
    # 1. a new conversation, then two more turns, saved after each
    t = store.init_tracker("one")
    for e in session(1000.0, "你好"):
        t.update(e)
    await store.save(t)
    await more_turns(store, "one", ["在吗", "谢谢"], 1100.0)
    # 2. two sessions: retrieve returns only the last; saving must keep both
    t = store.init_tracker("two")
    for e in session(2000.0, "早") + session(9000.0, "晚上好"):
        t.update(e)
    await store.save(t)
    t = await store.retrieve("two")
    t.update(UserUttered("还在吗", {"name": "greet", "confidence": 0.7}, timestamp=9100.0))
    await store.save(t)
    # 3. as Rasa starts a session: the metadata slot comes just before action_session_start,
    #    so what retrieve returns (the last session) starts one event later than what is stored
    t = store.init_tracker("three")
    t.update(SlotSet("session_started_metadata", {"channel": "rest"}, timestamp=3000.0))
    for e in session(3000.1, "你好"):
        t.update(e)
    await store.save(t)
    await more_turns(store, "three", ["查订单", "谢谢"], 3100.0)
    for sender in ("one", "two", "three"):
        out[sender] = store.red.get(store.key_prefix + sender)
        full = await store.retrieve_full_tracker(sender)
        out[sender + "_events"] = len(full.events)
    return out

original = asyncio.run(scenario("kefutestorig"))
patches.apply()
merges = []
rasa_merge = RedisTrackerStore._merge_trackers
RedisTrackerStore._merge_trackers = staticmethod(
    lambda prior, new: merges.append(new.sender_id) or rasa_merge(prior, new)
)
patched = asyncio.run(scenario("kefutestpatched"))
names = sorted({c.type_name for c in all_subclasses(Event)})
resolved = all(Event.resolve_by_type(n).type_name == n for n in names)
try:
    Event.resolve_by_type("no_such_event")
    unknown = "no error"
except ValueError as e:
    unknown = str(e)
print(json.dumps({
    "original": original, "patched": patched, "resolved": resolved, "n_types": len(names),
    "merges": merges,
    "unknown": unknown, "topic": Event.resolve_by_type("topic"),
    "default": Event.resolve_by_type("nope", SlotSet).__name__,
}))
"""


def test_patched_tracker_store_and_event_types_store_what_rasa_stores(redis_url: str):
    result = _in_rasa_env(STORE_CHECK, redis_url)
    original, patched = result["original"], result["patched"]
    assert patched["one"] == original["one"]
    assert patched["two"] == original["two"]
    assert original["one_events"] == 8 + 4  # nothing lost or doubled over three saves
    assert original["two_events"] == patched["two_events"] == 8 + 8 + 1  # both sessions kept
    assert patched["three"] == original["three"]
    assert original["three_events"] == 1 + 8 + 4  # the metadata slot before the session kept
    # Rasa's (costly) merge runs only where the stored events are not continued: never for
    # conversations one and three; for two, whose saved tracker holds both sessions at once.
    assert "three" not in result["merges"] and "one" not in result["merges"]
    assert result["resolved"] is True and result["n_types"] > 20
    assert result["unknown"] == "Unknown event name 'no_such_event'."
    assert result["topic"] is None
    assert result["default"] == "SlotSet"


# Run in .venv-rasa: EndpointConfig.request — how Rasa calls the action server — answers as
# before (JSON back, ClientResponseError on a 4xx), but the patched one reuses its connection
# where Rasa's opens a new one for every call.
ENDPOINT_CHECK = r"""
import asyncio, json, sys
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_addons import patches

async def main():
    peers = []

    async def ok(request):
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"echo": await request.json()})

    async def missing(request):
        return web.json_response({"error": "nope"}, status=404)

    app = web.Application()
    app.router.add_post("/webhook", ok)
    app.router.add_post("/missing", missing)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")

    async def calls():
        del peers[:]
        answers = [await endpoint.request(json={"n": n}) for n in range(5)]
        try:
            await endpoint.request(subpath="../missing", json={})
            status = None
        except ClientResponseError as e:
            status = e.status
        return {"answers": answers, "connections": len(set(peers)), "status_4xx": status}

    out = {"rasa": await calls()}
    patches.apply()
    out["patched"] = await calls()
    await runner.cleanup()
    print(json.dumps(out))

asyncio.run(main())
"""


def test_patched_endpoint_request_answers_like_rasa_on_one_connection():
    result = _in_rasa_env(ENDPOINT_CHECK, "")
    rasa, patched = result["rasa"], result["patched"]
    assert patched["answers"] == rasa["answers"] == [{"echo": {"n": n}} for n in range(5)]
    assert patched["status_4xx"] == rasa["status_4xx"] == 404
    assert rasa["connections"] == 5  # Rasa: a new session, a new connection, every call
    assert patched["connections"] == 1


# Run in .venv-rasa: which Rasa methods each KEFU_RASA_PATCHES value replaces.
SWITCH_CHECK = r"""
import json, sys
setting, version = json.loads(sys.argv[1])
import rasa.version
if version:
    rasa.version.__version__ = version
import rasa.core.run
from rasa.core.actions.action import RemoteAction
from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel
from rasa_addons import patches

def wrapped_by(function, module):
    # two patches wrap EndpointConfig.request: which modules' wrappers are in its chain
    # (functools.wraps copies __module__, so the code's file tells them apart)
    while function is not None:
        if function.__code__.co_filename.endswith(module.replace(".", "/") + ".py"):
            return True
        function = getattr(function, "__wrapped__", None)
    return False

def methods():
    return {
        "action_schema": RemoteAction._validate_action_result,
        "event_types": Event.resolve_by_type,
        "tracker_save": RedisTrackerStore.save,
        "action_session": wrapped_by(EndpointConfig.request, "rasa_addons.patches"),
        "gc_freeze": rasa.core.run.load_agent_on_start,
        "action_json": wrapped_by(EndpointConfig.request, "rasa_addons.action_call"),
        "domain_digest": (RemoteAction._action_call_format, RemoteAction.run),
        "model_load": RasaModel.load,
        "diet_predict": RasaModel._rasa_predict,
        "past_states": Domain.states_for_tracker_history,
        "tracker_known": RedisTrackerStore._retrieve,
        "lock_store": RedisLockStore.lock,
        "graph_runner": DaskGraphRunner.run,
        "sparse_combine": Features._combine_sparse_features,
    }

before = methods()
try:
    applied = patches.apply(setting)
except ValueError as e:
    print(json.dumps({"error": str(e)}))
    raise SystemExit(0)
after = methods()
print(json.dumps({
    "applied": applied,
    "changed": sorted(name for name in before if before[name] != after[name]),
}))
"""


@pytest.mark.parametrize(
    ("setting", "version", "changed"),
    [
        (
            None,
            None,
            [
                "action_json",
                "action_schema",
                "action_session",
                "diet_predict",
                "domain_digest",
                "event_types",
                "gc_freeze",
                "graph_runner",
                "lock_store",
                "model_load",
                "past_states",
                "sparse_combine",
                "tracker_save",
            ],
        ),
        (
            "all",
            None,
            [
                "action_json",
                "action_schema",
                "action_session",
                "diet_predict",
                "domain_digest",
                "event_types",
                "gc_freeze",
                "graph_runner",
                "lock_store",
                "model_load",
                "past_states",
                "sparse_combine",
                "tracker_known",
                "tracker_save",
            ],
        ),
        ("past_states", None, ["past_states"]),
        ("action_json", None, ["action_json"]),
        ("domain_digest", None, ["domain_digest"]),
        ("graph_runner", None, ["graph_runner"]),
        ("sparse_combine", None, ["sparse_combine"]),
        ("off", None, []),
        ("event_types,tracker_save", None, ["event_types", "tracker_save"]),
        ("action_schema", None, ["action_schema"]),
        (None, "3.7.0", []),  # another Rasa release runs unpatched
    ],
)
def test_rasa_patches_switch_and_version_guard(
    setting: str | None, version: str | None, changed: list[str]
):
    result = _in_rasa_env(SWITCH_CHECK, json.dumps([setting, version]))
    assert result["changed"] == changed
    assert sorted(result["applied"]) == changed


def test_an_unknown_patch_name_is_refused_with_the_names():
    result = _in_rasa_env(SWITCH_CHECK, json.dumps(["no_such_patch", None]))
    assert "unknown patch no_such_patch" in result["error"]
    assert "action_schema" in result["error"]


def test_rasa_and_the_action_server_answer_only_with_the_internal_token(rasa_stack):
    """No local process can talk to the bot or run actions (a customer's orders) without
    KEFU_INTERNAL_TOKEN: the open REST webhook is gone, the kefu channel and the action server
    check the token."""
    body = {"sender": f"tok-{uuid.uuid4().hex[:10]}", "message": "你好"}
    rasa = rasa_stack.rasa_url
    assert httpx.post(f"{rasa}/webhooks/rest/webhook", json=body, timeout=30).status_code == 404
    for headers in ({}, {"Authorization": "Bearer wrong-token"}):
        r = httpx.post(f"{rasa}/webhooks/kefu/webhook", json=body, headers=headers, timeout=30)
        assert r.status_code == 401, r.text
    call = {
        "next_action": "action_order_status",
        "sender_id": body["sender"],
        "tracker": {"sender_id": body["sender"], "slots": {"customer_id": "demo-001"}},
        "domain": {},
    }
    actions = rasa_stack.actions_url
    for headers in ({}, {"Authorization": "Bearer wrong-token"}):
        r = httpx.post(f"{actions}/webhook", json=call, headers=headers, timeout=30)
        assert r.status_code == 401, r.text
    assert httpx.get(f"{actions}/health", timeout=10).status_code == 200
    r = httpx.post(f"{rasa}/webhooks/kefu/webhook", json=body, headers=INTERNAL, timeout=30)
    assert r.status_code == 200 and r.json(), r.text  # the bot answers, actions included
