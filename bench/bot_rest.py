"""Bot turns end to end through the gateway's REST channel, and the bare Rasa REST round trip in
the same run (the ratio is the gateway's overhead).

Real parts on 127.0.0.1: Redis (embedded unless KEFU_REDIS_URL answers), a seeded demo-shop
SQLite database, our action server, the Rasa server with a trained model, one gateway process.
N concurrent conversations (default 10) each send a fixed script of bot-owned turns (the
frozen mix of issue 17, ``SCRIPT``): a greeting, two order look-ups that read the shop database,
a thank-you, an FAQ question answered from the knowledge base, and an English order look-up.

Two phases, each through the gateway and then straight to Rasa:
- paced: every customer waits ``--think-s`` (mean, ±50 %) between a reply and their next
  message — 2 s by default, faster than anyone types. This is the latency of N customers
  chatting at once.
- back to back (``--saturate``, on by default): every customer sends the next message the
  moment the reply arrives. N requests are always in flight, the machine is saturated, and
  the figure that matters is sustained messages per second (latency ≈ N / throughput).

A third phase (``--per-type``, on by default) measures CPU per turn *type*: the same
conversations send one type of turn at a time, paced, through the gateway, and the CPU each
process used meanwhile is divided by the turns sent. CPU time is read from /proc (psutil) for
every process and its children, so it is not distorted by other load on the machine the way
wall-clock latency is.

Prints p50/p99, messages per second and CPU ms per message per process for each phase, and
everything as JSON on the last line. Bounded in turns and time.

    .venv/bin/python -m bench.bot_rest [--conversations 10] [--rounds 5] [--think-s 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gateway_stack import gateway_stack, percentile  # noqa: E402
from kefu.rasa_proc import latest_model  # noqa: E402
from kefu.schema import upgrade  # noqa: E402
from kefu_cli.seed import seed_demo  # noqa: E402


@dataclass(frozen=True)
class Turn:
    kind: str  # the turn type CPU is reported for
    text: str
    lang: str
    expect: str | None = None  # text every correct answer contains (an order id)


# The frozen mix (issue 17): one round is these six turns, in this order. Change it and the
# figures in bench/README.md stop being comparable.
SCRIPT = [
    Turn("greet", "你好", "zh"),
    Turn("order_tracking", "我的订单20231120003到哪了", "zh", "20231120003"),
    Turn("order_status", "查一下订单20231120002的状态", "zh", "20231120002"),
    Turn("thanks", "谢谢", "zh"),
    Turn("faq", "退款一般几天到账", "zh"),
    Turn("english_order", "where is my order 20231120003", "en", "20231120003"),
]


@contextlib.contextmanager
def stack(
    model: Path,
    rasa_workers: int = 1,
    rasa_servers: int = 1,
    rasa_extra_env: dict[str, str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The benchmark stack of bench/gateway_stack.py, on a seeded demo-shop database."""
    with tempfile.TemporaryDirectory(prefix="kefu-bot-bench-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'kefu.db'}"
        upgrade(db_url)
        seed_demo(db_url)  # shop and FAQ knowledge base, so the FAQ turn really searches
        with gateway_stack(
            model=model,
            database_url=db_url,
            rasa_workers=rasa_workers,
            rasa_servers=rasa_servers,
            rasa_extra_env=rasa_extra_env,
        ) as running:
            yield {
                "gateway": running.gateway_url,
                "rasa": running.rasa_url,
                "api_key": running.api_key,
                "internal_token": running.env["KEFU_INTERNAL_TOKEN"],
                "stack": running,
            }


async def _run(
    send: Any,
    conversations: int,
    rounds: int,
    deadline: float,
    prefix: str,
    think_s: float = 0.0,
    stack: Any = None,
    script: Sequence[Turn] = SCRIPT,
    conv_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """``think_s``: mean pause (±50 %) between a reply and the customer's next message; 0 sends
    back to back, which saturates the stack and measures sustained messages per second.
    ``conv_ids``: conversation ids to use (one per conversation, the same every round); by
    default each round of each customer is a new conversation."""
    latencies: list[float] = []
    rng = random.Random(7)
    db_turns_ok = 0
    errors = 0

    async def customer(i: int) -> None:
        nonlocal db_turns_ok, errors
        for r in range(rounds):
            conv = conv_ids[i] if conv_ids else f"{prefix}-{i}-{r}"
            for turn in script:
                if time.monotonic() > deadline:
                    return
                if think_s:
                    await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
                t0 = time.perf_counter()
                try:
                    texts = await send(conv, turn.text, turn.lang)
                except (httpx.HTTPError, ValueError):
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                if turn.expect and any(turn.expect in t for t in texts):
                    db_turns_ok += 1

    cpu0 = stack.cpu_seconds() if stack else {}
    t0 = time.perf_counter()
    await asyncio.gather(*(customer(i) for i in range(conversations)))
    wall = time.perf_counter() - t0
    cpu1 = stack.cpu_seconds() if stack else {}
    n = max(1, len(latencies))
    cpu = {k: round((cpu1[k] - cpu0[k]) * 1000 / n, 1) for k in cpu1}
    if cpu:
        cpu["total"] = round(sum(cpu1[k] - cpu0[k] for k in cpu1) * 1000 / n, 1)
    return {
        "cpu_ms_per_message": cpu,
        "messages": len(latencies),
        "errors": errors,
        "db_turns_answered": db_turns_ok,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "messages_per_s": round(len(latencies) / wall, 1) if wall else 0.0,
    }


async def bench(
    urls: dict[str, Any],
    conversations: int,
    rounds: int,
    budget_s: float,
    think_s: float,
    saturate: bool,
    per_type: bool = True,
) -> None:
    headers = {"Authorization": f"Bearer {urls['api_key']}"}
    limits = httpx.Limits(max_connections=conversations * 2)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def via_gateway(conv: str, text: str, lang: str) -> list[str]:
            r = await http.post(
                f"{urls['gateway']}/api/v1/conversations/{conv}/messages",
                json={"text": text, "customer_id": "demo-001", "lang": lang},
                headers=headers,
            )
            r.raise_for_status()
            return [str(x.get("text") or "") for x in r.json()["replies"]]

        rasa_urls = itertools.cycle(urls["rasa"].split(","))

        async def via_rasa(conv: str, text: str, lang: str) -> list[str]:
            # Several Rasa servers: the bare path takes them in turn.
            r = await http.post(
                f"{next(rasa_urls)}/webhooks/kefu/webhook",
                headers={"Authorization": f"Bearer {urls['internal_token']}"},
                json={
                    "sender": conv,
                    "message": text,
                    "metadata": {"channel": "rest", "customer_id": "demo-001", "lang": lang},
                },
            )
            r.raise_for_status()
            return [str(x.get("text") or "") for x in r.json()]

        # Warm-up: models, connection pools, SQLite pages.
        await _run(via_gateway, 2, 1, time.monotonic() + 60, "warm-gw")
        await _run(via_rasa, 2, 1, time.monotonic() + 60, "warm-rasa")
        phases = [("paced", think_s)] + ([("back to back", 0.0)] if saturate else [])
        results: dict[str, dict[str, Any]] = {}
        for phase, pause in phases:
            run_id = secrets.token_hex(3)
            figures: dict[str, Any] = {}
            for path, send in (("gateway", via_gateway), ("rasa", via_rasa)):
                figures[path] = await _run(
                    send,
                    conversations,
                    rounds,
                    time.monotonic() + budget_s,
                    f"{path}{run_id}",
                    pause,
                    urls["stack"],
                )
            gw, rasa = figures["gateway"], figures["rasa"]
            figures["p50_ratio"] = (
                round(gw["p50_ms"] / rasa["p50_ms"], 2) if rasa["p50_ms"] else None
            )
            figures["think_s"] = pause
            results[phase] = figures
        by_type: dict[str, Any] = {}
        if per_type:
            # The same conversations for every type (greeted once, untimed), so no type pays
            # for starting a session; paced, through the gateway.
            conv_ids = [f"type{secrets.token_hex(3)}-{i}" for i in range(conversations)]
            await _run(
                via_gateway,
                conversations,
                1,
                time.monotonic() + 60,
                "",
                0.0,
                script=SCRIPT[:1],
                conv_ids=conv_ids,
            )
            for turn in SCRIPT:
                by_type[turn.kind] = await _run(
                    via_gateway,
                    conversations,
                    rounds,
                    time.monotonic() + budget_s,
                    "",
                    think_s,
                    urls["stack"],
                    script=[turn],
                    conv_ids=conv_ids,
                )
    print(f"\n{conversations} concurrent conversations, {len(SCRIPT) * rounds} turns each")
    for phase, figures in results.items():
        pace = f"think {figures['think_s']:g} s" if figures["think_s"] else "no pause"
        print(f"-- {phase} ({pace}) --")
        for name, key in (("gateway REST", "gateway"), ("bare Rasa", "rasa")):
            f = figures[key]
            cpu = "  ".join(f"{k} {v}" for k, v in f["cpu_ms_per_message"].items())
            print(
                f"{name:<13}: p50 {f['p50_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms  "
                f"{f['messages_per_s']:5.1f} msg/s  ({f['messages']} messages, {f['errors']} "
                f"errors, {f['db_turns_answered']} shop-reading turns answered)  CPU ms/msg: {cpu}"
            )
        print(f"gateway/Rasa p50 ratio: {figures['p50_ratio']}")
    if by_type:
        print("-- CPU ms per turn, by turn type (paced, through the gateway) --")
        for kind, f in by_type.items():
            cpu = "  ".join(f"{k} {v}" for k, v in f["cpu_ms_per_message"].items())
            print(f"{kind:<15}: {cpu}  ({f['messages']} turns, {f['errors']} errors)")
    print(
        json.dumps(
            {"conversations": conversations, **results, "per_type": by_type}, ensure_ascii=False
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="script repeats per conversation")
    parser.add_argument("--budget-s", type=float, default=120.0, help="time limit per phase")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--rasa-workers", type=int, default=1, help="KEFU_RASA_WORKERS")
    parser.add_argument(
        "--rasa-servers", type=int, default=1, help="separate Rasa processes behind the gateway"
    )
    parser.add_argument(
        "--think-s",
        type=float,
        default=2.0,
        help="paced phase: mean pause (±50 %%) between a reply and the next message",
    )
    parser.add_argument(
        "--saturate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the back-to-back phase (sustained messages per second)",
    )
    parser.add_argument(
        "--per-type",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure CPU per turn type (one type at a time, paced, through the gateway)",
    )
    parser.add_argument(
        "--rasa-patches",
        default=None,
        help="KEFU_RASA_PATCHES for the Rasa servers (on, off, all or names; default: unset)",
    )
    parser.add_argument(
        "--rasa-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the Rasa servers (repeatable), e.g. "
        "TF_ENABLE_ONEDNN_OPTS=0",
    )
    args = parser.parse_args()
    model = args.model or latest_model()
    if model is None or not model.exists():
        raise SystemExit("no trained model: run `make model` or pass --model")
    conversations = max(1, min(args.conversations, 50))
    rounds = max(1, min(args.rounds, 50))
    rasa_env = dict(item.partition("=")[::2] for item in args.rasa_env)
    if args.rasa_patches is not None:
        rasa_env["KEFU_RASA_PATCHES"] = args.rasa_patches
    patches = rasa_env or None
    with stack(
        model,
        max(1, min(args.rasa_workers, 8)),
        max(1, min(args.rasa_servers, 8)),
        rasa_extra_env=patches,
    ) as urls:
        asyncio.run(
            bench(
                urls,
                conversations,
                rounds,
                min(args.budget_s, 600.0),
                max(0.0, args.think_s),
                args.saturate,
                args.per_type,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
