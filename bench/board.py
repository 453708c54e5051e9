"""Live board figures: how long one board snapshot (``handoff.board.Board.snapshot``) takes for
a supervisor (every group) with ``--agents`` agents online holding chats and a queue growing at
``--per-minute`` new chats a minute, on a real embedded Redis and a migrated SQLite database
holding a day of conversation facts. The console socket pushes a snapshot every second, so a
change reaches a lead within 1 s + one snapshot.

    .venv/bin/python -m bench.board [--agents 200] [--per-minute 50] [--seconds 30]

Prints one JSON line: snapshot p50 / p99 / max in ms, and the worst update delay (1 s + p99)."""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.history import seed_history
from handoff.board import Board
from handoff.conversation import Owner
from handoff.queue import QueueService
from handoff.queue_config import QueueConfig
from kefu.db import make_async_engine
from kefu.redis_client import async_client
from kefu.redis_server import EmbeddedRedis
from kefu.schema import upgrade

GROUPS = ["presale", "aftersales", "logistics", "complaints"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 1)


async def run(redis_url: str, db_url: str, agents: int, per_minute: int, seconds: int) -> Any:
    redis = async_client(redis_url, decode_responses=False)
    engine = make_async_engine(db_url)
    queue = QueueService(redis, QueueConfig(), engine)
    conv = queue.conversations
    for i in range(agents):
        await conv.routing.set_presence(
            f"ag{i}", "online", {"capacity": 5, "groups": [GROUPS[i % 4]], "name": f"ag{i}"}
        )
    n = 0

    async def new_chat() -> None:
        nonlocal n
        n += 1
        group = GROUPS[n % 4]
        await conv.move(f"b{n}", {Owner.BOT}, Owner.QUEUED, "queued", {}, group=group,
                        queue_score=float(n))  # fmt: skip
        await conv.assign_next(group)

    for _ in range(agents * 3):  # agents hold 3 of 5 chats on average
        await new_chat()
    board = Board(queue, engine)
    took: list[float] = []
    gap = 60.0 / per_minute
    next_chat = time.perf_counter()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        while time.perf_counter() >= next_chat:
            await new_chat()
            next_chat += gap
        began = time.perf_counter()
        await board.snapshot(GROUPS)
        took.append((time.perf_counter() - began) * 1000)
        await asyncio.sleep(max(0.0, 1.0 - took[-1] / 1000))
    await redis.aclose()
    await engine.dispose()
    return {
        "agents_online": agents,
        "chats": n,
        "snapshots": len(took),
        "snapshot_ms_p50": pct(took, 0.5),
        "snapshot_ms_p99": pct(took, 0.99),
        "snapshot_ms_max": round(max(took), 1),
        "worst_update_delay_s": round(1.0 + pct(took, 0.99) / 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--per-minute", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'board.db'}"
        upgrade(db_url)
        seed_history(db_url, days=1, per_day=3000, end=datetime.now(UTC))
        with EmbeddedRedis(Path(tmp) / "redis", persistent=False) as server:
            url = f"redis://127.0.0.1:{server.port}/0"
            result = asyncio.run(run(url, db_url, args.agents, args.per_minute, args.seconds))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
