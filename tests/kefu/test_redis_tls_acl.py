"""KEFU_REDIS_URL=rediss://user:password@host:port/0 end to end, on a real redis-server that
speaks only TLS and has only that ACL user: the gateway and the staff console serve a chat
through it, and Rasa's own tracker and lock stores (in .venv-rasa, from endpoints.yml as
``kefu rasa`` fills it) store a tracker there. The knowledge base's live reload is in
tests/knowledge_base/test_live_tls.py."""

from __future__ import annotations

import asyncio
import json
import subprocess
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from bot.app import create_app as create_gateway
from console.app import create_app as create_console
from kefu import redis_keys as keys
from kefu.config import ROOT
from kefu.rasa_proc import rasa_env, rasa_python
from kefu.redis_client import sync_client
from tests.bot.conftest import gateway_settings
from tests.conftest import unique_app_name
from tests.console.test_staff_api import staff_settings
from tests.redis_tls import USER, tls_redis_url
from tests.staff_console import Console

__all__ = ["tls_redis_url"]  # the fixture


@pytest.fixture
def tls_url(tls_redis_url: str) -> str:
    client = sync_client(tls_redis_url)
    client.flushdb()
    client.close()
    return tls_redis_url


def clients(url: str) -> list[dict[str, Any]]:
    client = sync_client(url)
    try:
        return list(client.client_list())
    finally:
        client.close()


async def test_gateway_and_console_serve_a_chat_over_tls_as_an_acl_user(
    serve: Any, tls_url: str, sqlite_url: str
):
    name = unique_app_name("gw-tls")
    gateway = await serve(create_gateway(gateway_settings(tls_url, sqlite_url), name))
    staff = await serve(create_console(staff_settings(tls_url, sqlite_url), unique_app_name("st")))
    async with (
        httpx.AsyncClient(base_url=staff.url, timeout=10) as http,
        connect(gateway.url.replace("http://", "ws://") + "/ws") as ws,
    ):
        console = Console(staff, http)
        await ws.send(json.dumps({"type": "hello", "after": 0}))
        conv = ""
        while not conv:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            conv = frame.get("conversation_id", "") if frame["type"] == "welcome" else ""
        await console.agent("tls-agent", ["aftersales"])
        reply = await console.handoff(conv, channel="web")
        assert reply.status_code in (200, 201), reply.text
        seen: list[str] = []
        while "accepted" not in seen:  # the console's move, pushed by the gateway
            frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if frame["type"] == "event":
                seen.append(frame["event"])
        connected = clients(tls_url)
    assert {c["user"] for c in connected} == {USER}
    assert any(c.get("name") == name for c in connected)


def test_rasa_tracker_and_lock_stores_work_over_tls_as_an_acl_user(tls_url: str):
    script = """
import asyncio
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

async def main():
    store = TrackerStore.create(
        read_endpoint_config("endpoints.yml", "tracker_store"), Domain.empty()
    )
    tracker = DialogueStateTracker("tls-conv", [])
    tracker.update(UserUttered("你好"))
    await store.save(tracker)
    again = await store.retrieve("tls-conv")
    locks = LockStore.create(read_endpoint_config("endpoints.yml", "lock_store"))
    async with locks.lock("tls-conv"):
        held = locks.get_lock("tls-conv") is not None
    print(type(store).__name__, len(again.events), held)

asyncio.run(main())
"""
    env = rasa_env(tls_url, "http://127.0.0.1:9")
    done = subprocess.run(
        [str(rasa_python()), "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    kind, events, held = done.stdout.split()[-3:]
    assert kind == "ClusterTrackerStore"
    assert int(events) >= 1
    assert held == "True"
    client = sync_client(tls_url)
    try:
        assert client.exists(keys.rasa_tracker("tls-conv"))
    finally:
        client.close()
