"""``kefu demo``: every process of kefu under one supervisor, for a newcomer.

Order: one instance only (a lock file) → ``.env`` → SQL schema → free ports → Redis (the
configured one if it answers, else an embedded one, supervised like the rest) → gateway, staff
console, Rasa and the action server under ``kefu.supervisor``, with prefixed logs → URLs and
the admin login once every part is ready (``/health`` 200) → a process that crashes is
restarted with backoff while the others keep serving → only Ctrl-C (or SIGTERM) stops them all.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx

from kefu.config import ROOT, VAR_DIR, CommonSettings, redact_url
from kefu.envfile import ensure_env_file, read_env
from kefu.file_modes import PRIVATE_UMASK, make_private
from kefu.rasa_proc import latest_model, rasa_binary, rasa_env, rasa_run_args
from kefu.redis_server import EmbeddedRedis, redis_reachable
from kefu.schema import upgrade
from kefu.supervisor import Supervisor
from kefu.web import check_port_free
from kefu_cli.seed import seed_demo


class DemoSettings(CommonSettings):
    host: str = "127.0.0.1"
    gateway_port: int = 8000
    staff_port: int = 8100
    rasa_port: int = 5005
    actions_port: int = 5055
    ready_timeout_s: float = 240.0
    # Where the demo keeps its lock and the embedded Redis's data (tests use their own).
    var_dir: Path = VAR_DIR


def _say(message: str) -> None:
    print(f"kefu demo | {message}", flush=True)


@contextlib.contextmanager
def single_instance(lock_path: Path):  # type: ignore[no-untyped-def]
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = lock_path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise SystemExit(
            f"kefu demo is already running (pid {pid}); use it, or stop it with Ctrl-C first"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _wait_ready(urls: dict[str, str], timeout: float, done: threading.Event) -> bool:
    deadline = time.monotonic() + timeout
    pending = dict(urls)
    with httpx.Client(timeout=2.0) as client:
        while pending and time.monotonic() < deadline and not done.is_set():
            for name, url in list(pending.items()):
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url).status_code == httpx.codes.OK:
                        del pending[name]
            time.sleep(0.5)
    return not pending


def run_demo(history_days: int = 0) -> int:
    os.umask(PRIVATE_UMASK)  # every file the demo and its children create is 600 (dirs 700)
    env_path, added = ensure_env_file()
    if added:
        _say(f"wrote fresh secrets to {env_path}: {', '.join(added)}")
    secrets = read_env(env_path)
    settings = DemoSettings()
    make_private(env_path)
    make_private(settings.var_dir)

    with single_instance(settings.var_dir / "demo.lock"):
        model = latest_model()
        if model is None or not rasa_binary().exists():
            raise SystemExit("kefu demo: no trained model or no .venv-rasa; run `make demo`")

        supervisor = Supervisor()
        redis_url = settings.redis_url
        embed = True
        if "KEFU_REDIS_URL" in os.environ or "KEFU_REDIS_URL" in secrets:
            embed = not redis_reachable(redis_url)
            if embed:
                _say(
                    f"KEFU_REDIS_URL ({settings.redacted_redis_url}) does not answer; "
                    "starting an embedded Redis instead"
                )
            else:
                _say(f"using Redis at {settings.redacted_redis_url}")
        if embed:
            embedded = EmbeddedRedis(
                settings.var_dir / "redis",
                persistent=True,
                password=secrets.get("KEFU_REDIS_PASSWORD", ""),
            )
            embedded.data_dir.mkdir(parents=True, exist_ok=True)
            argv = embedded.argv()
            redis_url = embedded.url
            supervisor.add("redis", argv, ready=lambda: redis_reachable(redis_url, 0.2))
            _say(
                f"embedded Redis on {redact_url(redis_url)} "
                f"(password from .env, AOF on, data in {embedded.data_dir})"
            )
        return _supervise(settings, supervisor, redis_url, model, secrets, history_days)


def _supervise(
    settings: DemoSettings,
    supervisor: Supervisor,
    redis_url: str,
    model: Path,
    secrets: dict[str, str],
    history_days: int = 0,
) -> int:
    before, after = upgrade(settings.database_url)
    if before != after:
        _say(f"SQL schema migrated: {before or 'empty'} -> {after}")
    seeded = seed_demo(settings.database_url)
    _say(
        f"SQL database ready: {settings.redacted_database_url}"
        + (f" (demo data: {', '.join(seeded)})" if seeded else "")
    )
    if history_days:
        from console.settings import StaffSettings
        from kefu_cli.history import seed_history

        tz = StaffSettings().timezone
        made = seed_history(settings.database_url, history_days, 800, tz=tz)
        _say(
            f"seeded {made['facts']} conversations and {made['tickets']} tickets of the last "
            f"{history_days} days (ids hist-1-…; the staff console rolls the days up for the "
            "reports: /reports, or `kefu report --period week`)"
        )

    host = settings.host
    ports = {
        "gateway": (settings.gateway_port, "KEFU_GATEWAY_PORT"),
        "staff": (settings.staff_port, "KEFU_STAFF_PORT"),
        "rasa": (settings.rasa_port, "KEFU_RASA_PORT"),
        "actions": (settings.actions_port, "KEFU_ACTIONS_PORT"),
    }
    for port, variable in ports.values():
        check_port_free(host, port, variable)

    urls = {name: f"http://{host}:{port}" for name, (port, _var) in ports.items()}
    env = dict(os.environ)
    env.update(
        {
            "KEFU_REDIS_URL": redis_url,
            "KEFU_GATEWAY_HOST": host,
            "KEFU_GATEWAY_PORT": str(settings.gateway_port),
            "KEFU_STAFF_HOST": host,
            "KEFU_STAFF_PORT": str(settings.staff_port),
            "KEFU_ACTIONS_HOST": host,
            "KEFU_ACTIONS_PORT": str(settings.actions_port),
            "KEFU_RASA_URL": urls["rasa"],
            "KEFU_ACTION_SERVER_URL": urls["actions"],
            "KEFU_STAFF_URL": urls["staff"],
            "KEFU_GATEWAY_URL": urls["gateway"],
            "PYTHONUNBUFFERED": "1",
        }
    )
    python = sys.executable
    cwd = str(ROOT)
    supervisor.add("gateway", [python, "-m", "kefu_cli", "gateway"], env=env, cwd=cwd)
    supervisor.add("staff", [python, "-m", "kefu_cli", "staff"], env=env, cwd=cwd)
    supervisor.add("actions", [python, "-m", "kefu_cli", "actions"], env=env, cwd=cwd)
    supervisor.add(
        "rasa",
        rasa_run_args(host, settings.rasa_port, model),
        env=rasa_env(redis_url, urls["actions"], env),
        cwd=cwd,
    )

    stop = threading.Event()
    started = time.monotonic()

    def announce() -> None:
        health = {
            "gateway": urls["gateway"] + "/health",
            "staff": urls["staff"] + "/health",
            "rasa": urls["rasa"] + "/",
            "actions": urls["actions"] + "/health",
        }
        if _wait_ready(health, settings.ready_timeout_s, stop):
            elapsed = time.monotonic() - started
            password = secrets.get("KEFU_ADMIN_PASSWORD") or os.environ.get(
                "KEFU_ADMIN_PASSWORD", ""
            )
            lines = [
                f"ready after {elapsed:.1f} s (every part answers /health 200)",
                f"  customer chat / REST API : {urls['gateway']}"
                f"   (API docs {urls['gateway']}/docs)",
                f"  staff console            : {urls['staff']}   (API docs {urls['staff']}/docs)",
                f"  Rasa server              : {urls['rasa']}",
                f"  action server            : {urls['actions']}",
                f"  admin login              : admin / {password}   (from .env)",
                "  REST key                 : KEFU_API_KEY in .env",
                "  a process that crashes is restarted; press Ctrl-C to stop everything",
            ]
            for line in lines:
                _say(line)
        elif not stop.is_set():
            _say(
                f"not every part was ready after {settings.ready_timeout_s:.0f} s; "
                f"see the logs above and {urls['gateway']}/health"
            )

    watcher = threading.Thread(target=announce, name="kefu-demo-ready", daemon=True)
    watcher.start()
    try:
        return supervisor.run()
    finally:
        stop.set()
