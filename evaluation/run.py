"""Starts the real stack (bench/gateway_stack.py with the staff console) on a throw-away
SQLite database seeded with the demo shop and the demo knowledge, puts one agent online in every
skill group (claiming, so chats stay queued and the agent's capacity never fills), and plays
every conversation through it with a progress bar."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from redis.asyncio import Redis
from tqdm import tqdm

from bench.gateway_stack import Stack, gateway_stack
from evaluation.judge import Verdict, judge
from evaluation.player import Player
from evaluation.scenarios import ConversationFile
from kefu.db import make_async_engine
from kefu.schema import upgrade
from kefu_cli.seed import seed_demo
from shop.demo import seed_shop

GROUPS = ["presale", "aftersales", "logistics", "complaints"]
AGENT_PASSWORD = secrets.token_hex(12)


@contextlib.contextmanager
def eval_stack(model: Path | None = None) -> Iterator[Stack]:
    with tempfile.TemporaryDirectory(prefix="kefu-eval-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'kefu.db'}"
        upgrade(db_url)
        seed_demo(db_url)
        staff_env = {
            "KEFU_CLAIM_GROUPS": json_list(GROUPS),
            "KEFU_SKILL_GROUPS": json_list(GROUPS),
            "KEFU_BUSINESS_HOURS": "00:00-24:00",
            "KEFU_HEARTBEAT_TIMEOUT_S": "86400",
            "KEFU_BACKGROUND_TASKS": "false",
        }
        with gateway_stack(model=model, database_url=db_url, staff=True, staff_env=staff_env) as s:
            _agent_online(s)
            _knowledge_ready(s)
            yield s


def json_list(values: list[str]) -> str:
    return json.dumps(values)


def _agent_online(stack: Stack) -> None:
    with httpx.Client(base_url=stack.staff_url, timeout=30) as staff:

        def login(user: str, password: str) -> dict[str, str]:
            r = staff.post("/api/v1/auth/login", json={"username": user, "password": password})
            r.raise_for_status()
            return {"Authorization": f"Bearer {r.json()['token']}"}

        admin = login("admin", stack.admin_password)
        r = staff.post(
            "/api/v1/agents",
            json={
                "username": "eval-agent",
                "password": AGENT_PASSWORD,
                "roles": ["agent"],
                "skill_groups": GROUPS,
                "capacity": 50,
            },
            headers=admin,
        )
        r.raise_for_status()
        agent = login("eval-agent", AGENT_PASSWORD)
        staff.post("/api/v1/agent/status", json={"status": "online"}, headers=agent)


def _knowledge_ready(stack: Stack, limit_s: float = 300.0) -> None:
    """The action server builds its knowledge index in the background after it starts; wait
    until an FAQ is answered, so the first conversations do not meet an empty index."""
    headers = {"Authorization": f"Bearer {stack.api_key}"}
    deadline = time.monotonic() + limit_s
    with httpx.Client(base_url=stack.gateway_url, timeout=60, headers=headers) as http:
        for attempt in itertools.count():
            r = http.post(
                f"/api/v1/conversations/eval-warmup-{attempt}/messages",
                json={"text": "支持七天无理由退货吗？", "lang": "zh"},
            )
            if r.status_code == 200 and "7天" in json.dumps(r.json(), ensure_ascii=False):
                return
            if time.monotonic() > deadline:
                raise SystemExit("the knowledge base never answered the warm-up question")
            time.sleep(2)


async def play_all(
    stack: Stack, data: ConversationFile, concurrency: int = 3, progress: bool = True
) -> list[Verdict]:
    run_id = secrets.token_hex(3)
    db_url = stack.env["KEFU_DATABASE_URL"]
    redis = Redis.from_url(stack.redis_url)
    engine = make_async_engine(db_url)
    gate = asyncio.Semaphore(max(1, concurrency))
    shop_lock = asyncio.Lock()
    bar = tqdm(total=len(data.conversations), unit="conv", disable=not progress)
    verdicts: dict[str, Verdict] = {}
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            player = Player(http, stack.gateway_url, stack.api_key, redis, engine, run_id)

            async def one(index: int) -> None:
                conv = data.conversations[index]
                async with gate:
                    if conv.customer:
                        # A customer's conversation may cancel or change their orders: each
                        # starts from the demo shop as seeded, one at a time.
                        async with shop_lock:
                            await asyncio.to_thread(seed_shop, db_url)
                            played = await player.play(conv)
                    else:
                        played = await player.play(conv)
                verdict = judge(played, data.private)
                verdicts[conv.id] = verdict
                bar.set_postfix(ok=sum(v.success for v in verdicts.values()), refresh=False)
                bar.update()

            await asyncio.gather(*(one(i) for i in range(len(data.conversations))))
    finally:
        bar.close()
        await redis.aclose()
        await engine.dispose()
    return [verdicts[c.id] for c in data.conversations]
