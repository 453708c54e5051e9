"""Benchmark: many concurrent WebSocket customers on ONE gateway process, through the real bot
(Rasa with the trained model + our action server), then the same load over REST.

    .venv/bin/python bench/gateway_ws.py                       # 500 customers, 60 s each phase
    .venv/bin/python bench/gateway_ws.py --customers 100 --duration 30 --interval 8

Each customer connects (WebSocket phase), then sends a message every ``interval`` seconds
(±50 % jitter) and waits for the turn to finish: the reply latency is from sending to the
moment every reply of that turn has been pushed to the browser. A turn that gets an error
frame, the "system busy" fallback, or no answer within 30 s is an error. Everything is bounded
in time; all processes are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.gateway_stack import gateway_stack, percentile  # noqa: E402
from kefu.schema import upgrade  # noqa: E402
from kefu_cli.seed import seed_demo  # noqa: E402

MESSAGES = [
    "你好",
    "在吗",
    "谢谢",
    "hello",
    "thanks",
    "你是机器人吗",
    "退款一般几天到账",
    "运费险怎么理赔",
    "how long does a refund take",
    "拜拜",
]
TURN_LIMIT_S = 30.0


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    connected: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def line(self, name: str) -> str:
        lat = self.latencies
        return (
            f"{name:<10} turns={len(lat):>6}  errors={sum(self.errors.values()):>5} "
            f"{self.errors or ''}  p50={percentile(lat, 50) * 1000:8.0f} ms  "
            f"p99={percentile(lat, 99) * 1000:8.0f} ms  max={max(lat or [0]) * 1000:8.0f} ms"
        )


async def ws_customer(
    url: str, until: float, interval: float, figs: Figures, rng: random.Random
) -> None:
    from websockets.asyncio.client import connect

    await asyncio.sleep(rng.uniform(0, interval))  # spread the arrivals
    try:
        async with connect(url, open_timeout=30, ping_interval=None, max_size=2**20) as ws:
            await ws.send(json.dumps({"type": "hello", "after": 0}))
            welcome = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if welcome.get("type") != "welcome":
                figs.error("no_welcome")
                return
            figs.connected += 1
            last_seen = 0
            n = 0
            while time.monotonic() < until:
                n += 1
                started = time.monotonic()
                await ws.send(
                    json.dumps({"type": "message", "text": rng.choice(MESSAGES), "cid": f"m{n}"})
                )
                done_seq: int | None = None
                busy = failed = False
                try:
                    async with asyncio.timeout(TURN_LIMIT_S):
                        while done_seq is None or last_seen < done_seq:
                            frame = json.loads(await ws.recv())
                            kind = frame.get("type")
                            if kind == "event":
                                last_seen = max(last_seen, frame["seq"])
                                if frame.get("from") == "system" and frame.get("reason"):
                                    busy = True
                            elif kind == "typing" and not frame.get("on"):
                                done_seq = int(frame.get("seq") or 0)
                            elif kind == "error":
                                failed = True
                                figs.error(frame.get("code", "error"))
                                break
                except TimeoutError:
                    figs.error("timeout")
                    continue
                if busy:
                    figs.error("bot_busy")
                elif not failed:
                    figs.latencies.append(time.monotonic() - started)
                await asyncio.sleep(
                    max(0.0, interval * rng.uniform(0.5, 1.5) - (time.monotonic() - started))
                )
    except Exception as exc:
        figs.error(type(exc).__name__)


async def rest_customer(
    client: aiohttp.ClientSession,
    base_url: str,
    key: str,
    cid: int,
    until: float,
    interval: float,
    figs: Figures,
    rng: random.Random,
) -> None:
    await asyncio.sleep(rng.uniform(0, interval))
    figs.connected += 1
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            async with client.post(
                f"{base_url}/api/v1/conversations/bench-rest-{cid}/messages",
                json={"text": rng.choice(MESSAGES)},
                headers={"Authorization": f"Bearer {key}"},
            ) as r:
                body = await r.json()
                if r.status != 200:
                    figs.error(f"http_{r.status}")
                elif any(rep.get("from") == "system" for rep in body.get("replies", [])):
                    figs.error("bot_busy")
                else:
                    figs.latencies.append(time.monotonic() - started)
        except TimeoutError:
            figs.error("timeout")
        except Exception as exc:
            figs.error(type(exc).__name__)
        await asyncio.sleep(
            max(0.0, interval * rng.uniform(0.5, 1.5) - (time.monotonic() - started))
        )


def cpu_line(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    return "  CPU busy: " + ", ".join(
        f"{name} {(after[name] - before[name]) / seconds * 100:.0f} %" for name in before
    )


async def run(args: argparse.Namespace, stack: Any) -> None:
    gateway_url, key = stack.gateway_url, stack.api_key
    rng = random.Random(20261123)
    ws_url = gateway_url.replace("http://", "ws://") + "/ws"
    # Warm-up, so the first phase does not pay for what the second finds ready: every message
    # once per Rasa server (its first inferences, the knowledge base's first searches).
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as warm:
        for n in range(2 * args.rasa_servers):
            for text in MESSAGES:
                async with warm.post(
                    f"{gateway_url}/api/v1/conversations/bench-warm-{n}/messages",
                    json={"text": text},
                    headers={"Authorization": f"Bearer {key}"},
                ) as r:
                    await r.read()
    ws = Figures()
    until = time.monotonic() + args.duration
    print(
        f"WebSocket: {args.customers} customers for {args.duration:.0f} s, a message every "
        f"~{args.interval:.0f} s …",
        flush=True,
    )
    cpu, t0 = stack.cpu_seconds(), time.monotonic()
    await asyncio.gather(
        *(ws_customer(ws_url, until, args.interval, ws, rng) for _ in range(args.customers))
    )
    ws_cpu = cpu_line(cpu, stack.cpu_seconds(), time.monotonic() - t0)
    print(f"  connected {ws.connected}/{args.customers}", flush=True)
    rest, rest_cpu = Figures(), ""
    if args.rest_duration > 0:
        until = time.monotonic() + args.rest_duration
        print(f"REST: {args.customers} customers for {args.rest_duration:.0f} s …", flush=True)
        # aiohttp, not httpx, for 500 clients: the load generator shares these two cores,
        # and httpx's per-request CPU made the client, not the gateway, the bottleneck.
        connector = aiohttp.TCPConnector(limit=args.customers)
        timeout = aiohttp.ClientTimeout(total=TURN_LIMIT_S)
        cpu, t0 = stack.cpu_seconds(), time.monotonic()
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
            await asyncio.gather(
                *(
                    rest_customer(client, gateway_url, key, i, until, args.interval, rest, rng)
                    for i in range(args.customers)
                )
            )
        rest_cpu = cpu_line(cpu, stack.cpu_seconds(), time.monotonic() - t0)
    print()
    print(
        f"one gateway process, {args.customers} concurrent customers, "
        f"message every ~{args.interval:.0f} s, real Rasa ({args.rasa_servers} server(s) × "
        f"{args.rasa_workers} worker(s)) + actions"
    )
    print(ws.line("websocket"))
    print(ws_cpu)
    if args.rest_duration > 0:
        print(rest.line("rest"))
        print(rest_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds, WebSocket phase")
    parser.add_argument("--rest-duration", type=float, default=60.0, help="seconds, 0 = skip")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between messages")
    parser.add_argument("--rasa-workers", type=int, default=1, help="KEFU_RASA_WORKERS")
    parser.add_argument(
        "--rasa-servers", type=int, default=1, help="separate Rasa processes behind the gateway"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kefu-ws-bench-") as tmp:
        # Seeded like the demo (shop + FAQ knowledge base), so FAQ turns really search.
        db_url = f"sqlite:///{Path(tmp) / 'kefu.db'}"
        upgrade(db_url)
        seed_demo(db_url)
        workers = max(1, min(args.rasa_workers, 8))
        servers = max(1, min(args.rasa_servers, 8))
        with gateway_stack(
            database_url=db_url, rasa_workers=workers, rasa_servers=servers
        ) as stack:
            asyncio.run(run(args, stack))


if __name__ == "__main__":
    main()
