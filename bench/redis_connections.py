"""Benchmark: Redis connections a gateway process holds, and how fast agent messages reach
the web chat, with many idle customers' sockets open.

    .venv/bin/python bench/redis_connections.py                    # 300 and 1000 sockets
    .venv/bin/python bench/redis_connections.py --sockets 300 --rounds 5
    .venv/bin/python bench/redis_connections.py --code /path/to/older/checkout   # "before"

One gateway process (``kefu gateway``, no Rasa: nothing here needs the bot) on an embedded
Redis. The bench opens ``--sockets`` WebSockets (each says hello: its own conversation), lets
them sit, and counts the Redis server's client connections (CLIENT LIST, minus the bench's
own). Then, ``--rounds`` times, it appends an agent message to every conversation, one after
the other, and measures from each append to the moment its socket receives the event; the
connection count is sampled during delivery too. ``--code`` runs the gateway from another
checkout (e.g. a ``git worktree`` of the commit before the change) with this checkout's venv.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.gateway_stack import percentile  # noqa: E402
from handoff.conversation import Conversations  # noqa: E402
from kefu.redis_client import async_client  # noqa: E402
from kefu.redis_server import EmbeddedRedis, free_port  # noqa: E402
from kefu.schema import upgrade  # noqa: E402


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gateway exited:\n{log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.3)
    raise SystemExit("gateway did not listen")


async def _connections(redis: Any) -> int:
    return len(await redis.client_list()) - 1  # minus the bench's own connection


async def _run(redis_url: str, port: int, sockets: int, rounds: int) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    redis = async_client(redis_url, max_connections=4)
    conversations = Conversations(redis)
    before = await _connections(redis)
    url = f"ws://127.0.0.1:{port}/ws"
    opened = []
    for _ in range(sockets):
        opened.append(await connect(url, max_queue=256, open_timeout=30))
    convs = []
    for ws in opened:
        await ws.send(json.dumps({"type": "hello", "after": 0}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if frame["type"] == "welcome":
                convs.append(frame["conversation_id"])
                break
    await asyncio.sleep(3.0)
    idle = await _connections(redis) - before
    latencies: list[float] = []
    peak = idle
    sent: dict[str, float] = {}

    async def receive(ws: Any, conv: str, want: int) -> None:
        got = 0
        while got < want:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
            if frame["type"] == "event" and frame.get("event") == "message":
                latencies.append(time.perf_counter() - sent[frame["text"]])
                got += 1

    readers = [
        asyncio.ensure_future(receive(ws, conv, rounds))
        for ws, conv in zip(opened, convs, strict=True)
    ]
    for n in range(rounds):
        for conv in convs:
            text = f"{conv}/{n}"
            sent[text] = time.perf_counter()
            await conversations.append(conv, "message", {"from": "agent", "text": text})
        peak = max(peak, await _connections(redis) - before)
        await asyncio.sleep(0.5)
    await asyncio.wait_for(asyncio.gather(*readers), 300)
    peak = max(peak, await _connections(redis) - before)
    for ws in opened:
        await ws.close()
    await redis.aclose()
    return {
        "sockets": sockets,
        "idle_connections": idle,
        "peak_connections": peak,
        "events": len(latencies),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
    }


def bench(sockets: int, rounds: int, code: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "r", False) as server:
        database = f"sqlite:///{tmp}/kefu.db"
        upgrade(database)
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(code),
            "KEFU_REDIS_URL": server.url,
            "KEFU_DATABASE_URL": database,
            "KEFU_GATEWAY_PORT": str(port),
            "KEFU_API_KEY": "bench-api-key-0123456789",
            "KEFU_INTERNAL_TOKEN": "bench-internal-0123456789",
            "KEFU_RASA_URL": f"http://127.0.0.1:{free_port()}",
            "KEFU_WS_MAX_PER_ADDRESS": str(sockets + 100),
            "KEFU_LOG_LEVEL": "WARNING",
        }
        log = Path(tmp) / "gateway.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-c", "from bot.app import main; main()"],
                cwd=code,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_port(port, proc, log)
            return asyncio.run(_run(server.url, port, sockets, rounds))
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, action="append")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to run the gateway from")
    args = parser.parse_args()
    for sockets in args.sockets or [300, 1000]:
        print(json.dumps(bench(sockets, args.rounds, args.code.resolve())), flush=True)


if __name__ == "__main__":
    main()
