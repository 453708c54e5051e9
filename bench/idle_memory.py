"""Idle memory (PSS) of each process of the stack: gateway, Rasa, action server, staff console.

Starts the processes of bench/gateway_stack.py with the staff console on a seeded demo database
(shop and FAQ knowledge base), waits until every one is healthy (the action server's knowledge
base index built), lets start-up settle and reads each process's proportional set size (PSS,
its own pages plus its share of shared ones; children included) from /proc. Then an editor
searches the knowledge base once on the staff console — which makes the console load the
sentence encoder — and the console is measured again. PSS is not distorted by other load on
the machine, unlike wall-clock figures.

    .venv/bin/kefu bench idle_memory [--settle-s 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gateway_stack import gateway_stack  # noqa: E402
from kefu.schema import upgrade  # noqa: E402
from kefu_cli.seed import seed_demo  # noqa: E402


def pss_mb(pid: int) -> float:
    """PSS of a process and its children, in MiB."""
    root = psutil.Process(pid)
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_full_info().pss
        except psutil.Error:
            continue
    return total / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle-s", type=float, default=10.0, help="wait after healthy")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kefu-mem-bench-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'kefu.db'}"
        upgrade(db_url)
        seed_demo(db_url)
        with gateway_stack(database_url=db_url, staff=True) as stack:
            time.sleep(args.settle_s)
            idle = {name: round(pss_mb(pid)) for name, pid in stack.pids.items()}
            idle["total"] = sum(idle.values())
            with httpx.Client(base_url=stack.staff_url, timeout=120) as http:
                token = http.post(
                    "/api/v1/auth/login",
                    json={"username": "admin", "password": stack.admin_password},
                ).json()["token"]
                r = http.get(
                    "/api/v1/kb/search",
                    params={"q": "退款一般几天到账"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                searched = r.status_code
            time.sleep(args.settle_s)
            staff_after = round(pss_mb(stack.pids["staff"]))
    print("idle PSS, MiB: " + "  ".join(f"{k} {v}" for k, v in idle.items()))
    print(f"staff console after one KB editor search (HTTP {searched}): {staff_after} MiB")
    print(json.dumps({"idle_pss_mb": idle, "staff_after_kb_search_mb": staff_after}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
