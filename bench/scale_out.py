"""Scale-out: two gateways, two staff consoles, two Rasa servers and two action servers on one
Redis Cluster (three masters, embedded) and PostgreSQL, with N conversations that each greet
the bot, ask for a person, chat with the agent the queue gives them and are closed by that agent.
Customers alternate gateways message by message, agents alternate staff consoles. Afterwards
every customer and agent message must be in its conversation exactly once, every conversation
closed exactly once, and no agent over capacity at any sample.

    .venv/bin/python -m bench.scale_out --conversations 1000

PostgreSQL from KEFU_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/
kefu_scale_out, created if missing; a SQLite file when no PostgreSQL answers, said in the output).
Prints figures (JSON); bench/README.md has the ones measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gateway_stack import percentile  # noqa: E402
from handoff.conversation import Conversations, Owner  # noqa: E402
from handoff.routing import Routing  # noqa: E402
from kefu.rasa_proc import latest_model, rasa_env, rasa_run_args  # noqa: E402
from kefu.redis_client import async_client  # noqa: E402
from kefu.redis_server import EmbeddedCluster, free_port  # noqa: E402
from kefu.schema import upgrade  # noqa: E402
from kefu_cli.seed import seed_demo  # noqa: E402

GROUPS = ["presale", "aftersales", "logistics", "complaints"]
AGENT_PASSWORD = "scale-out-agent-pass"


def postgres_url(tmp: Path) -> tuple[str, str]:
    """(database URL, "postgresql" | "sqlite"): a fresh PostgreSQL database if one answers."""
    url = os.environ.get(
        "KEFU_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/kefu_scale_out"
    )
    try:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return url.replace("postgresql://", "postgresql+psycopg://", 1), "postgresql"
    except Exception as e:
        print(f"no PostgreSQL ({e}); using SQLite", file=sys.stderr)
        return f"sqlite:///{tmp / 'kefu.db'}", "sqlite"


class Deployment:
    """Every process of the scale-out, started and stopped together."""

    def __init__(self, tmp: Path, redis_url: str, database_url: str) -> None:
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []
        self.internal = secrets.token_hex(16)
        self.admin_password = secrets.token_hex(12)
        self.api_key = secrets.token_hex(16)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "WECHAT_"))}
        self.env.update(
            {
                "KEFU_LOG_LEVEL": "WARNING",
                "PYTHONWARNINGS": "ignore",
                "KEFU_INTERNAL_TOKEN": self.internal,
                "KEFU_REDIS_URL": redis_url,
                "KEFU_DATABASE_URL": database_url,
                "KEFU_JWT_SECRET": secrets.token_hex(32),
                "KEFU_ADMIN_PASSWORD": self.admin_password,
                "KEFU_API_KEY": self.api_key,
                "KEFU_RATE_PER_KEY_PER_MIN": "0",
                "KEFU_RATE_PER_CONVERSATION_PER_MIN": "0",
                "KEFU_RASA_TIMEOUT_S": "60",
            }
        )
        self.redis_url = redis_url
        ports = {name: free_port() for name in ("a0", "a1", "r0", "r1", "s0", "s1", "g0", "g1")}
        self.actions = [f"http://127.0.0.1:{ports[f'a{i}']}" for i in range(2)]
        self.rasas = [f"http://127.0.0.1:{ports[f'r{i}']}" for i in range(2)]
        self.consoles = [f"http://127.0.0.1:{ports[f's{i}']}" for i in range(2)]
        self.gateways = [f"http://127.0.0.1:{ports[f'g{i}']}" for i in range(2)]
        self.ports = ports

    def _start(self, args: list[str], env: dict[str, str], name: str) -> None:
        with (self.tmp / f"{name}.log").open("wb") as out:
            self.procs.append(
                subprocess.Popen(
                    args,
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def start(self, model: Path) -> None:
        kefu = [sys.executable, "-m", "kefu_cli"]
        for i in range(2):
            self._start(
                [*kefu, "staff"],
                {
                    **self.env,
                    "KEFU_STAFF_PORT": str(self.ports[f"s{i}"]),
                    "KEFU_RASA_URL": ",".join(self.rasas),
                    "KEFU_ACTION_SERVER_URL": self.actions[i],
                    "KEFU_GATEWAY_URL": self.gateways[i],
                },
                f"staff{i}",
            )
            self._start(
                [*kefu, "actions"],
                {
                    **self.env,
                    "KEFU_ACTIONS_PORT": str(self.ports[f"a{i}"]),
                    "KEFU_STAFF_URL": self.consoles[i],
                },
                f"actions{i}",
            )
            self._start(
                rasa_run_args("127.0.0.1", self.ports[f"r{i}"], model),
                rasa_env(self.redis_url, self.actions[i], dict(self.env)),
                f"rasa{i}",
            )
            self._start(
                [*kefu, "gateway"],
                {
                    **self.env,
                    "KEFU_GATEWAY_PORT": str(self.ports[f"g{i}"]),
                    "KEFU_RASA_URL": ",".join(self.rasas),
                    "KEFU_ACTION_SERVER_URL": self.actions[i],
                    "KEFU_STAFF_URL": self.consoles[i],
                },
                f"gateway{i}",
            )

    def wait_ready(self, timeout: float = 600) -> None:
        urls = [f"{u}/health" for u in self.actions + self.consoles + self.gateways]
        urls += [f"{u}/" for u in self.rasas]
        deadline = time.monotonic() + timeout
        for url in urls:
            while True:
                for proc in self.procs:
                    if proc.poll() is not None:
                        logs = {p.name: p.read_text(errors="replace")[-1500:] for p in self.logs()}
                        raise SystemExit(f"a process exited early: {json.dumps(logs)[:6000]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url} not ready after {timeout} s")
                time.sleep(1)

    def logs(self) -> list[Path]:
        return sorted(self.tmp.glob("*.log"))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


async def drive(dep: Deployment, n: int, agents_n: int, capacity: int, concurrency: int) -> Any:
    redis = async_client(dep.redis_url)
    conv = Conversations(redis)
    routing = Routing(redis)
    turn_ms: list[float] = []
    wait_ms: list[float] = []
    errors: Counter[str] = Counter()
    max_load = 0
    key = {"Authorization": f"Bearer {dep.api_key}"}
    # No kept-alive connections: under this load httpx reused connections the servers had
    # closed and failed with AttributeError inside its transport (46 of 1000 in one run).
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=90, limits=limits) as http:
        r = await http.post(
            f"{dep.consoles[0]}/api/v1/auth/login",
            json={"username": "admin", "password": dep.admin_password},
        )
        admin = {"Authorization": f"Bearer {r.json()['token']}"}
        tokens: dict[str, dict[str, str]] = {}
        for i in range(agents_n):
            name = f"scale{i}"
            console = dep.consoles[i % 2]
            await http.post(
                f"{console}/api/v1/agents",
                headers=admin,
                json={
                    "username": name,
                    "password": AGENT_PASSWORD,
                    "roles": ["agent"],
                    "skill_groups": GROUPS,
                    "capacity": capacity,
                },
            )
            r = await http.post(
                f"{console}/api/v1/auth/login",
                json={"username": name, "password": AGENT_PASSWORD},
            )
            tokens[name] = {"Authorization": f"Bearer {r.json()['token']}"}
            await http.post(
                f"{console}/api/v1/agent/status", headers=tokens[name], json={"status": "online"}
            )
        gate = asyncio.Semaphore(concurrency)

        async def heartbeats() -> None:
            # as the agent page does: an agent without a heartbeat for 30 s is offline
            while True:
                for i, token in enumerate(tokens.values()):
                    with contextlib.suppress(httpx.HTTPError):
                        await http.post(
                            f"{dep.consoles[i % 2]}/api/v1/agent/heartbeat", headers=token
                        )
                await asyncio.sleep(10)

        beating = asyncio.create_task(heartbeats())

        async def customer(i: int, step: int, text: str) -> None:
            cid = f"so-{i}"
            t0 = time.perf_counter()
            r = await http.post(
                f"{dep.gateways[(i + step) % 2]}/api/v1/conversations/{cid}/messages",
                headers=key,
                json={"text": text, "customer_id": f"scale-{i}", "lang": "zh"},
            )
            if r.status_code != 200:
                errors[f"gateway {r.status_code}"] += 1
                raise RuntimeError(f"{cid}: {text!r} not taken: {r.status_code} {r.text[:200]}")
            turn_ms.append((time.perf_counter() - t0) * 1000)

        async def agent(i: int, path: str, body: dict[str, Any]) -> None:
            cid = f"so-{i}"
            name = (await conv.state(cid)).agent
            r = await http.post(
                f"{dep.consoles[i % 2]}/api/v1/conversations/{cid}/{path}",
                headers=tokens[name],
                json=body,
            )
            if r.status_code not in (200, 201):
                raise RuntimeError(f"{cid} {path}: {r.status_code} {r.text[:200]}")

        async def one(i: int) -> None:
            nonlocal max_load
            cid = f"so-{i}"
            async with gate:
                await customer(i, 0, "你好")
                t0 = time.perf_counter()
                await customer(i, 1, "我要转人工")
                for _poll in range(6000):  # an agent takes it when one has room (≤ 5 min)
                    if (await conv.state(cid)).owner is Owner.AGENT:
                        break
                    await asyncio.sleep(0.05)
                else:
                    raise RuntimeError(f"{cid}: no agent took it in 5 min")
                wait_ms.append((time.perf_counter() - t0) * 1000)
                await agent(i, "messages", {"text": f"a0 {cid}", "client_msg_id": "a0"})
                await customer(i, 2, f"c2 {cid}")
                await agent(i, "messages", {"text": f"a1 {cid}", "client_msg_id": "a1"})
                loads = [await routing.load(a) for a in tokens]
                max_load = max(max_load, *loads)
                await agent(i, "close", {"resolution": "resolved"})

        t_start = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
        elapsed = time.perf_counter() - t_start
        beating.cancel()
        failures = [str(r)[:300] for r in results if isinstance(r, BaseException)]
        problems = await verify(conv, n)
        # Rasa kept its trackers in the cluster (rasa_addons.stores): one per conversation
        trackers = len(await redis.keys("kefurasa*so-*", target_nodes=redis.PRIMARIES))
    await redis.aclose()
    return elapsed, turn_ms, wait_ms, max_load, failures, problems, errors, trackers


async def verify(conv: Conversations, n: int) -> list[str]:
    problems: list[str] = []
    for i in range(n):
        cid = f"so-{i}"
        events = await conv.events(cid, 0, limit=10000)
        texts = Counter(
            e.data.get("text")
            for e in events
            if e.type == "message" and e.data.get("from") in ("customer", "agent")
        )
        for text in ("你好", "我要转人工", f"c2 {cid}", f"a0 {cid}", f"a1 {cid}"):
            if texts[text] != 1:
                problems.append(f"{cid}: {text!r} seen {texts[text]} times")
        closed = sum(1 for e in events if e.type == "closed")
        if closed != 1:
            problems.append(f"{cid}: closed {closed} times")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    # SIGTERM ends the run like Ctrl-C: the deployment's processes are stopped on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    model = latest_model()
    if model is None:
        raise SystemExit("no trained model in models/: run `make model` first")
    with tempfile.TemporaryDirectory(prefix="kefu-scale-") as tmp_name:
        tmp = Path(tmp_name)
        with EmbeddedCluster(tmp / "cluster") as cluster:
            database_url, database = postgres_url(tmp)
            upgrade(database_url)
            seed_demo(database_url)
            dep = Deployment(tmp, cluster.url, database_url)
            t0 = time.monotonic()
            dep.start(model)
            try:
                dep.wait_ready()
                started_s = time.monotonic() - t0
                elapsed, turns, waits, max_load, failures, problems, errors, trackers = asyncio.run(
                    drive(dep, args.conversations, args.agents, args.capacity, args.concurrency)
                )
            finally:
                dep.stop()
    n = args.conversations
    print(
        json.dumps(
            {
                "arrangement": "2 gateways, 2 staff consoles, 2 Rasa, 2 action servers; "
                f"Redis Cluster (3 masters); {database}",
                "conversations": n,
                "agents": args.agents,
                "capacity": args.capacity,
                "start_to_ready_s": round(started_s, 1),
                "seconds": round(elapsed, 1),
                "customer_messages": 3 * n,
                "agent_messages": 2 * n,
                "customer_turn_ms_p50": round(statistics.median(turns), 1) if turns else None,
                "customer_turn_ms_p99": round(percentile(turns, 99), 1),
                "handoff_to_agent_ms_p50": round(statistics.median(waits), 1) if waits else None,
                "handoff_to_agent_ms_p99": round(percentile(waits, 99), 1),
                "max_agent_load": max_load,
                "over_capacity": max_load > args.capacity,
                "gateway_errors": dict(errors),
                "rasa_trackers_in_the_cluster": trackers,
                "failed_conversations": len(failures),
                "failures": failures[:5],
                "problem_count": len(problems),
                "problems": problems[:20],
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
