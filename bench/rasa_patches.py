"""Each Rasa patch of ``rasa_addons/patches.py`` measured on its own: the bare Rasa REST round
trip (the bot_rest script: the frozen mix of issue 17) with ``KEFU_RASA_PATCHES``
set to ``off``, to each patch alone, and to ``on`` — one fresh stack (Rasa, actions, gateway,
seeded SQLite) per setting, so no setting warms another's caches.

Prints p50/p99, messages per second and the Rasa server's CPU ms per message for each setting,
back to back (N requests always in flight: the figure is sustained throughput), and everything
as JSON on the last line. Each setting loads the model anew (1-2 min on a loaded 2-core
machine); figures from a machine shared with other work are not comparable between runs.

    .venv/bin/python -m bench.rasa_patches [--conversations 10] [--rounds 3] [--only off,on]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bot_rest import _run, stack  # noqa: E402
from kefu.rasa_proc import latest_model  # noqa: E402

# The names rasa_addons.patches.PATCHES uses (that module imports only in .venv-rasa).
PATCHES = [
    "action_schema",
    "event_types",
    "tracker_save",
    "action_session",
    "gc_freeze",
    "model_load",
    "diet_predict",
    "action_json",
    "domain_digest",
    "past_states",
    "lock_store",
    "tracker_known",
    "graph_runner",
    "sparse_combine",
]


async def measure(urls: dict[str, Any], conversations: int, rounds: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=conversations * 2)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def via_rasa(conv: str, text: str, lang: str) -> list[str]:
            # Rasa's kefu channel (the gateway's path), which answers only the internal token
            r = await http.post(
                f"{urls['rasa']}/webhooks/kefu/webhook",
                headers={"Authorization": f"Bearer {urls['internal_token']}"},
                json={
                    "sender": conv,
                    "message": text,
                    "metadata": {"channel": "rest", "customer_id": "demo-001", "lang": lang},
                },
            )
            r.raise_for_status()
            return [str(x.get("text") or "") for x in r.json()]

        await _run(via_rasa, 2, 1, time.monotonic() + 60, "warm")
        figures = await _run(
            via_rasa, conversations, rounds, time.monotonic() + 300, "run", 0.0, urls["stack"]
        )
    if figures["errors"]:
        print(f"{figures['errors']} errors: see the Rasa server's log", flush=True)
    cpu = figures.pop("cpu_ms_per_message")
    figures["rasa_cpu_ms_per_message"] = round(
        sum(v for k, v in cpu.items() if k.startswith("rasa")), 1
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="script repeats per conversation")
    parser.add_argument(
        "--only", default="", help="comma-separated settings to run (default: off, each, on)"
    )
    args = parser.parse_args()
    model = latest_model()
    if model is None:
        raise SystemExit("no trained model: run `make model`")
    settings = ["off", *PATCHES, "on"]
    if args.only:
        settings = [s.strip() for s in args.only.split(",") if s.strip()]
    conversations = max(1, min(args.conversations, 50))
    rounds = max(1, min(args.rounds, 20))
    results: dict[str, dict[str, Any]] = {}
    for setting in settings:
        with stack(model, rasa_extra_env={"KEFU_RASA_PATCHES": setting}) as urls:
            results[setting] = asyncio.run(measure(urls, conversations, rounds))
        f = results[setting]
        print(
            f"KEFU_RASA_PATCHES={setting:<15} p50 {f['p50_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms"
            f"  {f['messages_per_s']:5.1f} msg/s  Rasa CPU {f['rasa_cpu_ms_per_message']:6.1f}"
            f" ms/msg  ({f['messages']} messages, {f['errors']} errors)",
            flush=True,
        )
    print(json.dumps({"conversations": conversations, "rounds": rounds, **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
