"""The ``domain_digest`` and ``action_json`` patches (rasa_addons/action_call.py) against the
real rasa-sdk action server: Rasa's ``RemoteAction`` (in .venv-rasa, a subprocess) calls a
rasa-sdk app served here; the action answers from the domain it was given."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.endpoint import create_app
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor
from sanic import Request
from sanic import json as sanic_json

from kefu.config import ROOT
from kefu.rasa_proc import rasa_python

# Rasa 3.6 with rasa-sdk 3.21 (as deployed): the SDK warns on every call, which pytest makes an
# error; the deployed action server logs it.
pytestmark = pytest.mark.filterwarnings("ignore:Your versions of rasa and rasa_sdk")

CALLS = r"""
import asyncio, json, sys
import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_addons import patches

base, setting = json.loads(sys.argv[1])
patches.apply(setting)
domain = Domain.load("domain.yml")
endpoint = EndpointConfig(base + "/webhook")

async def main():
    action = RemoteAction("action_count_slots", endpoint)
    tracker = DialogueStateTracker.from_events("s1", [], slots=domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    answers = []
    for n in range(4):
        if n == 2:  # the action server restarts: it no longer holds the domain
            async with aiohttp.ClientSession() as http:
                await http.post(base + "/forget")
        events = await action.run(CollectingOutputChannel(), nlg, tracker, domain)
        answers.append([e.value for e in events])
    print(json.dumps({"answers": answers, "n_slots": len(domain.as_dict()["slots"])}))

asyncio.run(main())
"""


class CountSlots(Action):
    def name(self) -> str:
        return "action_count_slots"

    async def run(self, dispatcher: Any, tracker: Any, domain: dict[str, Any]) -> list[Any]:
        return [SlotSet("n_slots", len(domain["slots"]))]


async def _calls(serve: Any, setting: str) -> tuple[dict[str, Any], list[bool]]:
    executor = ActionExecutor()
    executor.register_action(CountSlots())
    app = create_app(executor)
    with_domain: list[bool] = []

    @app.on_request
    async def record(request: Request) -> None:
        if request.path == "/webhook":
            with_domain.append("domain" in (request.json or {}))

    @app.post("/forget")
    async def forget(request: Request) -> Any:
        executor.domain, executor.domain_digest = None, None
        return sanic_json({})

    server = await serve(app)
    proc = await asyncio.create_subprocess_exec(
        str(rasa_python()),
        "-c",
        CALLS,
        json.dumps([server.url, setting]),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 300)
    assert proc.returncode == 0, err.decode()[-3000:]
    return json.loads(out.decode().strip().splitlines()[-1]), with_domain


async def test_the_domain_goes_once_and_again_after_the_action_server_forgot_it(serve: Any):
    result, with_domain = await _calls(serve, "domain_digest,action_json")
    n = result["n_slots"]
    assert n > 10
    assert result["answers"] == [[n]] * 4  # every call saw the whole domain
    # first call, then its digest alone; after the restart a 449 and the domain again
    assert with_domain == [True, False, False, True, False]


async def test_rasa_as_released_sends_the_domain_every_call(serve: Any):
    result, with_domain = await _calls(serve, "off")
    assert result["answers"] == [[result["n_slots"]]] * 4
    assert with_domain == [True, True, True, True]
