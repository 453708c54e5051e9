"""Benchmark: `make demo` until every process is healthy, idle memory, and a clean Ctrl-C.

    .venv/bin/python bench/startup.py            # in this checkout (already installed)
    .venv/bin/python bench/startup.py --fresh    # git clone HEAD into a temp dir first:
                                                 # fresh clone → healthy, then again installed
    .venv/bin/python bench/startup.py --runs 3 --rasa-patches off   # Rasa as released, 3 runs

Prints, per run: seconds to healthy, resident memory of all processes (RSS and PSS, MB), the
bot's answer to a Chinese and an English greeting through the REST channel, and whether Ctrl-C
left any process behind. Only 127.0.0.1 is contacted; every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
GATEWAY = "http://127.0.0.1:8000"
STAFF = "http://127.0.0.1:8100"
# Each process's own readiness, to see which one the start waits for.
PARTS = {
    "rasa": "http://127.0.0.1:5005/",
    "actions": "http://127.0.0.1:5055/health",
    "gateway": f"{GATEWAY}/health",
    "staff": f"{STAFF}/health",
}


def _env_value(checkout: Path, key: str) -> str:
    for line in (checkout / ".env").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1].strip()
    return ""


def _healthy(client: httpx.Client) -> bool:
    try:
        return all(
            client.get(f"{url}/health").json().get("status") == "ok" for url in (GATEWAY, STAFF)
        )
    except (httpx.HTTPError, ValueError):
        return False


def _note_ready(client: httpx.Client, started: float, ready: dict[str, float]) -> None:
    for name, url in PARTS.items():
        if name in ready:
            continue
        try:
            response = client.get(url, timeout=0.5)
        except httpx.HTTPError:
            continue
        # the gateway and the console answer 503 until Rasa and the actions are ready: their
        # own start is their first answer of any kind
        if response.status_code == httpx.codes.OK or name in {"gateway", "staff"}:
            ready[name] = round(time.monotonic() - started, 1)


def _memory(root: psutil.Process) -> tuple[float, float, int]:
    rss = pss = 0
    procs = [root, *root.children(recursive=True)]
    for proc in procs:
        try:
            info = proc.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except psutil.Error:
            continue
    return rss / 2**20, pss / 2**20, len(procs)


def one_run(
    checkout: Path, label: str, timeout_s: float, rasa_patches: str | None = None
) -> dict[str, object]:
    log_path = checkout / "var" / f"bench-demo-{label}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    if rasa_patches is not None:
        env["KEFU_RASA_PATCHES"] = rasa_patches  # e.g. "off": Rasa as released
    started = time.monotonic()
    with log_path.open("wb") as log:
        demo = subprocess.Popen(
            ["make", "demo"],
            cwd=checkout,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    result: dict[str, object] = {"run": label}
    ready: dict[str, float] = {}
    try:
        with httpx.Client(timeout=3.0) as client:
            while time.monotonic() - started < timeout_s and demo.poll() is None:
                _note_ready(client, started, ready)
                if _healthy(client):
                    break
                time.sleep(0.5)
            else:
                result["error"] = f"not healthy after {timeout_s:.0f}s; see {log_path}"
                return result
            result["seconds_to_healthy"] = round(time.monotonic() - started, 1)
            result["each_ready_s"] = ready
            time.sleep(5)  # let start-up work settle before reading idle memory
            rss, pss, count = _memory(psutil.Process(demo.pid))
            result.update(rss_mb=round(rss), pss_mb=round(pss), processes=count)
            key = _env_value(checkout, "KEFU_API_KEY")
            for conv, text in (("bench-zh", "你好"), ("bench-en", "hello")):
                reply = client.post(
                    f"{GATEWAY}/api/v1/conversations/{conv}-{label}/messages",
                    json={"text": text},
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=30,
                ).json()
                result[f"reply_{conv[-2:]}"] = reply["replies"][0]["text"][:40]
    except Exception as exc:  # a benchmark reports what went wrong and goes on
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        alive = demo.poll() is None
        pids = [p.pid for p in psutil.Process(demo.pid).children(recursive=True)] if alive else []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(demo.pid, signal.SIGKILL)
        time.sleep(2)
        left = []
        for pid in pids:
            with contextlib.suppress(psutil.Error):
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    left.append(pid)
        result["left_behind_after_ctrl_c"] = len(left)
    return result


def run(
    fresh: bool,
    timeout_s: float = 1800.0,
    checkout: Path | None = None,
    runs_wanted: int = 1,
    rasa_patches: str | None = None,
) -> int:
    runs: list[dict[str, object]] = []
    if fresh and checkout is None:
        tmp = Path(tempfile.mkdtemp(prefix="kefu-bench-"))
        checkout = tmp / "kefu"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
        runs.append(one_run(checkout, "fresh-clone", timeout_s, rasa_patches))
    for number in range(runs_wanted):
        label = "installed" if runs_wanted == 1 else f"installed-{number + 1}"
        runs.append(one_run(checkout or ROOT, label, 300, rasa_patches))
    for item in runs:
        print(" | ".join(f"{k}={v}" for k, v in item.items()))
    return 0 if all("error" not in r and r["left_behind_after_ctrl_c"] == 0 for r in runs) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--checkout", type=Path, help="an existing, installed clone to run in")
    parser.add_argument("--runs", type=int, default=1, help="installed runs, one after another")
    parser.add_argument(
        "--rasa-patches", help="KEFU_RASA_PATCHES for the run (off: Rasa as released)"
    )
    args = parser.parse_args()
    sys.exit(
        run(
            args.fresh,
            checkout=args.checkout,
            runs_wanted=args.runs,
            rasa_patches=args.rasa_patches,
        )
    )
