"""The real stack for the gateway benchmarks: Redis (embedded unless KEFU_REDIS_URL answers),
our action server, the Rasa server with the trained model, and ONE gateway process — all on
127.0.0.1, started the way tests/conftest.py's ``rasa_stack`` does, and stopped on exit."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.rasa_proc import latest_model, rasa_env, rasa_run_args  # noqa: E402
from kefu.redis_server import EmbeddedRedis, free_port, redis_reachable  # noqa: E402
from kefu.schema import upgrade  # noqa: E402


@dataclass
class Stack:
    gateway_url: str
    api_key: str
    redis_url: str
    env: dict[str, str]
    pids: dict[str, int]
    rasa_url: str = ""
    staff_url: str = ""
    admin_password: str = ""

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by each process (with its children): where the time goes."""
        import psutil

        out: dict[str, float] = {}
        for name, pid in self.pids.items():
            try:
                proc = psutil.Process(pid)
                procs = [proc, *proc.children(recursive=True)]
                out[name] = sum(sum(p.cpu_times()[:2]) for p in procs)
            except psutil.Error:
                out[name] = float("nan")
        return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url} exited early:\n{log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit(
        f"{url} not ready after {timeout}s:\n{log.read_text(errors='replace')[-2000:]}"
    )


@contextlib.contextmanager
def gateway_stack(
    extra_env: dict[str, str] | None = None,
    model: Path | None = None,
    database_url: str | None = None,
    rasa_workers: int = 1,
    rasa_servers: int = 1,
    rasa_extra_env: dict[str, str] | None = None,
    staff: bool = False,
    staff_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """``rasa_servers``: separate Rasa processes, all listed in the gateway's KEFU_RASA_URL;
    ``rasa_workers``: Sanic workers inside each (KEFU_RASA_WORKERS).
    ``database_url``: one SQL database for the action server and the gateway (e.g. a seeded
    demo shop); by default the gateway gets a throw-away SQLite file.
    ``rasa_extra_env``: more environment for the Rasa servers (e.g. KEFU_RASA_PATCHES).
    ``staff``: also start the staff console (the gateway's Redis and database), so the bot's
    handoffs really queue; ``staff_env`` adds to its environment. Without it, the action
    server's handoffs go to a port where nothing listens and fail politely."""
    model = model or latest_model()
    if model is None:
        raise SystemExit("no trained model in models/: run `make model` first")
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kefu-bench-")))
        configured = os.environ.get("KEFU_REDIS_URL", "")
        if configured and redis_reachable(configured):
            base = configured.rsplit("/", 1)[0]
        else:
            server = stack.enter_context(EmbeddedRedis(tmp / "redis", persistent=False))
            base = f"redis://127.0.0.1:{server.port}"
        redis_url = f"{base}/7"
        rasa_redis = f"{base}/6"
        import redis as sync_redis

        for url in (redis_url, rasa_redis):
            sync_redis.Redis.from_url(url).flushdb()
        actions_port, gw_port, staff_port = free_port(), free_port(), free_port()
        staff_url = f"http://127.0.0.1:{staff_port}"
        internal_token = secrets.token_hex(16)
        admin_password = secrets.token_hex(12)
        rasa_ports = [free_port() for _ in range(max(1, rasa_servers))]
        actions_url = f"http://127.0.0.1:{actions_port}"
        rasa_urls = [f"http://127.0.0.1:{port}" for port in rasa_ports]
        rasa_url = ",".join(rasa_urls)
        api_key = secrets.token_hex(16)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "WECHAT_"))}
        env.update(
            {
                "KEFU_LOG_LEVEL": "WARNING",
                "PYTHONWARNINGS": "ignore",
                # Rasa's kefu channel, the action server and the staff console answer only
                # with it: one token for every process of the stack
                "KEFU_INTERNAL_TOKEN": internal_token,
            }
        )
        if not database_url:
            database_url = f"sqlite:///{tmp / 'kefu.db'}"
            upgrade(database_url)  # the processes refuse an unmigrated database
        env["KEFU_DATABASE_URL"] = database_url
        procs: list[subprocess.Popen[bytes]] = []

        def start(
            args: list[str], proc_env: dict[str, str], name: str
        ) -> tuple[subprocess.Popen[bytes], Path]:
            log = tmp / f"{name}.log"
            with log.open("wb") as out:  # the child keeps its own descriptor
                proc = subprocess.Popen(
                    args,
                    cwd=ROOT,
                    env=proc_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            procs.append(proc)
            return proc, log

        def stop() -> None:
            for proc in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()

        stack.callback(stop)
        actions, actions_log = start(
            [sys.executable, "-m", "kefu_cli", "actions"],
            {
                **env,
                "KEFU_REDIS_URL": rasa_redis,
                "KEFU_ACTIONS_PORT": str(actions_port),
                "KEFU_STAFF_URL": staff_url,
                "KEFU_INTERNAL_TOKEN": internal_token,
            },
            "actions",
        )
        rasas = [
            start(
                rasa_run_args("127.0.0.1", port, model),
                rasa_env(
                    rasa_redis,
                    actions_url,
                    {**env, "KEFU_RASA_WORKERS": str(rasa_workers), **(rasa_extra_env or {})},
                ),
                f"rasa{n}",
            )
            for n, port in enumerate(rasa_ports)
        ]
        gw_env = {
            **env,
            "KEFU_REDIS_URL": redis_url,
            "KEFU_DATABASE_URL": database_url,
            "KEFU_GATEWAY_PORT": str(gw_port),
            "KEFU_RASA_URL": rasa_url,
            "KEFU_ACTION_SERVER_URL": actions_url,
            "KEFU_API_KEY": api_key,
            "KEFU_RASA_TIMEOUT_S": "30",
            "KEFU_RATE_PER_KEY_PER_MIN": "0",  # the benchmark is one integration at full load
            "KEFU_RATE_PER_CONVERSATION_PER_MIN": "0",
            **(extra_env or {}),
        }
        gateway, gateway_log = start(
            [sys.executable, "-m", "kefu_cli", "gateway"], gw_env, "gateway"
        )
        staff_proc: tuple[subprocess.Popen[bytes], Path] | None = None
        if staff:
            staff_proc = start(
                [sys.executable, "-m", "kefu_cli", "staff"],
                {
                    **env,
                    "KEFU_REDIS_URL": redis_url,
                    "KEFU_DATABASE_URL": gw_env["KEFU_DATABASE_URL"],
                    "KEFU_STAFF_PORT": str(staff_port),
                    "KEFU_INTERNAL_TOKEN": internal_token,
                    "KEFU_ADMIN_PASSWORD": admin_password,
                    "KEFU_JWT_SECRET": secrets.token_hex(32),
                    "KEFU_GATEWAY_URL": f"http://127.0.0.1:{gw_port}",
                    # its /health is ready only when these answer: the stack's own
                    "KEFU_RASA_URL": rasa_url,
                    "KEFU_ACTION_SERVER_URL": actions_url,
                    **(staff_env or {}),
                },
                "staff",
            )
        print(
            f"starting actions, {len(rasas)} Rasa server(s) × {rasa_workers} worker(s) and one "
            "gateway process …",
            flush=True,
        )
        _wait(f"{actions_url}/health", actions, actions_log, 120)
        for url, (rasa, rasa_log) in zip(rasa_urls, rasas, strict=True):
            _wait(f"{url}/", rasa, rasa_log, 240)
        _wait(f"http://127.0.0.1:{gw_port}/health", gateway, gateway_log, 120)
        if staff_proc:
            _wait(f"{staff_url}/health", *staff_proc, 120)
        yield Stack(
            f"http://127.0.0.1:{gw_port}",
            api_key,
            redis_url,
            gw_env,
            {
                "gateway": gateway.pid,
                **{f"rasa{n}": proc.pid for n, (proc, _) in enumerate(rasas)},
                "actions": actions.pid,
                **({"staff": staff_proc[0].pid} if staff_proc else {}),
            },
            rasa_url,
            staff_url if staff_proc else "",
            admin_password if staff_proc else "",
        )
