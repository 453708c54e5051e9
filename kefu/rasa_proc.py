"""How to start the Rasa server (which lives in ``.venv-rasa``) from our side."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from kefu.config import MODELS_DIR, ROOT, CommonSettings
from kefu.redis_client import parse_redis_url

RASA_VENV = ROOT / ".venv-rasa"
MODELS = MODELS_DIR


class RasaSettings(CommonSettings):
    """`kefu rasa`: where its action server is (the port comes from KEFU_RASA_PORT)."""

    action_server_url: str = "http://127.0.0.1:5055"


def rasa_binary() -> Path:
    return RASA_VENV / "bin" / "rasa"


def rasa_python() -> Path:
    return RASA_VENV / "bin" / "python"


def latest_model(models_dir: Path = MODELS) -> Path | None:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def rasa_workers(env: dict[str, str] | os._Environ[str]) -> int:
    """KEFU_RASA_WORKERS: Rasa server processes behind one port (Sanic workers; each loads the
    model, about 1 GB). Default 1, which the demo's memory budget allows; 2 on a 2-core server
    roughly doubles the bot's throughput (bench/README.md)."""
    raw = env.get("KEFU_RASA_WORKERS", "1").strip() or "1"
    try:
        workers = int(raw)
    except ValueError:
        raise ValueError(f"KEFU_RASA_WORKERS must be a whole number, not {raw!r}") from None
    if not 1 <= workers <= 16:
        raise ValueError(f"KEFU_RASA_WORKERS must be between 1 and 16, not {workers}")
    return workers


def rasa_env(
    redis_url: str, actions_url: str, base: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment ``endpoints.yml`` expects, derived from KEFU_REDIS_URL.

    One plain Redis: Rasa's own Redis stores. A cluster, Sentinel, TLS (``rediss://``) or an
    ACL user: the stores of ``rasa_addons.stores``, which read the whole URL from
    ``KEFU_RASA_REDIS_URL``."""
    address = parse_redis_url(redis_url)
    env = dict(base if base is not None else os.environ)
    if not env.get("KEFU_INTERNAL_TOKEN"):
        # endpoints.yml sends it to the action server; rasa_addons.channel checks it
        from kefu.envfile import read_env

        env["KEFU_INTERNAL_TOKEN"] = read_env(ROOT / ".env").get("KEFU_INTERNAL_TOKEN", "")
    parts = urlsplit(redis_url)
    if address.kind == "single" and parts.scheme == "redis" and not parts.username:
        host, port = parts.hostname or "127.0.0.1", parts.port or 6379
        db, password = (parts.path or "/0").lstrip("/") or "0", parts.password or ""
        stores = ("redis", "redis")
    elif address.kind == "single":  # TLS or an ACL user: the stores read the whole URL
        host, port, db, password = parts.hostname or "127.0.0.1", parts.port or 6379, "0", ""
        stores = ("rasa_addons.stores.ClusterTrackerStore", "rasa_addons.stores.ClusterLockStore")
    else:
        (host, port), db, password = address.nodes[0], str(address.db), address.password or ""
        stores = ("rasa_addons.stores.ClusterTrackerStore", "rasa_addons.stores.ClusterLockStore")
    env.update(
        {
            "KEFU_RASA_TRACKER_STORE": stores[0],
            "KEFU_RASA_LOCK_STORE": stores[1],
            "KEFU_RASA_REDIS_URL": redis_url,
            "KEFU_RASA_REDIS_HOST": host,
            "KEFU_RASA_REDIS_PORT": str(port),
            "KEFU_RASA_REDIS_DB": db,
            "KEFU_RASA_REDIS_PASSWORD": password,
            "KEFU_RASA_ACTION_URL": actions_url.rstrip("/") + "/webhook",
            # Trackers expire on the conversations' retention (KEFU_RETENTION_S, 7 days).
            "KEFU_RASA_RECORD_EXP": str(max(1, int(float(env.get("KEFU_RETENTION_S") or 604800)))),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # Several workers are safe: the lock store is Redis, not in-memory.
            "SANIC_WORKERS": str(rasa_workers(env)),
            "PYTHONWARNINGS": "ignore",
            # rasa_addons (patches, custom NLU component) must import from any working dir.
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
        }
    )
    return env


def rasa_run_args(host: str, port: int, model: Path) -> list[str]:
    """``rasa run`` through ``rasa_addons`` (its runtime patches; see rasa_addons/patches.py).
    Run from the project root, so ``rasa_addons`` and the custom NLU component import."""
    return [
        str(rasa_python()),
        "-m",
        "rasa_addons",
        "run",
        "--interface",
        host,
        "--port",
        str(port),
        "--model",
        str(model),
        "--endpoints",
        str(ROOT / "endpoints.yml"),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--response-timeout",
        "30",
    ]
