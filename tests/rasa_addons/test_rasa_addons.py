"""rasa_addons runs inside Rasa's environment: the patch is checked there (a subprocess of
.venv-rasa's Python), the language component through the real Rasa server and model."""

from __future__ import annotations

import json
import subprocess
import uuid

import httpx
import pytest

from kefu.config import ROOT
from kefu.rasa_proc import rasa_python

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


def test_patched_validation_judges_action_responses_like_rasa():
    proc = subprocess.run(
        [str(rasa_python()), "-c", PATCH_CHECK, json.dumps(SAMPLES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["patched"] is True
    verdicts = result["verdicts"]
    valid = [True] * 4 + [False] * 4  # SAMPLES: four valid responses, then four broken ones
    assert [v["rasa"] == "ok" for v in verdicts] == valid
    for v in verdicts:
        assert v["patched"] == v["rasa"]
        if v["rasa"] != "ok":
            assert v["hint"] is True  # Rasa's pointer to the docs is kept


@pytest.mark.rasa
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
    # utter_thank is a domain response whose variant depends on the `lang` slot, answered by a
    # rule right after the message: only a slot set while Rasa reads the message picks it.
    body: dict[str, object] = {"sender": f"lang-{uuid.uuid4().hex[:10]}", "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    r = httpx.post(f"{rasa_stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=30)
    assert r.status_code == 200, r.text
    texts = [m.get("text", "") for m in r.json()]
    assert any(expected in t for t in texts), texts
