"""A real dialogue stack for the conversation tests: a seeded demo-shop database, our action
server and the Rasa server (models/kefu.tar.gz, or RASA_TEST_MODEL) as processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kefu.config import ROOT
from kefu.rasa_proc import rasa_binary, rasa_env, rasa_run_args
from kefu.redis_server import free_port
from kefu.schema import upgrade
from shop.demo import seed_shop
from tests.conftest import (
    ACTIONS_READY_S,
    TEST_INTERNAL_TOKEN,
    _wait_http,
    redis_db_url,
    start_logged,
)


def model_path() -> Path:
    return Path(os.environ.get("RASA_TEST_MODEL") or ROOT / "models" / "kefu.tar.gz")


@dataclass
class DialogueStack:
    rasa_url: str
    actions_url: str
    database_url: str


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def dialogue_stack(
    redis_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DialogueStack]:
    model = model_path()
    if not model.exists() or not rasa_binary().exists():
        pytest.fail(f"no trained model at {model} or no .venv-rasa: run `make model`")
    tmp = tmp_path_factory.mktemp("dialogue")
    db_url = f"sqlite:///{tmp / 'kefu.db'}"
    upgrade(db_url)
    seed_shop(db_url)
    redis_url = redis_db_url(redis_server, 7)
    import redis as sync_redis

    client = sync_redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    a_port, r_port = free_port(), free_port()
    actions_url = f"http://127.0.0.1:{a_port}"
    env = dict(os.environ)
    env.update(
        {
            "KEFU_DATABASE_URL": db_url,
            "KEFU_ACTIONS_PORT": str(a_port),
            "KEFU_REDIS_URL": redis_url,
            "KEFU_LOG_LEVEL": "WARNING",
            "KEFU_STAFF_URL": f"http://127.0.0.1:{free_port()}",
            "KEFU_INTERNAL_TOKEN": TEST_INTERNAL_TOKEN,  # Rasa's channel, the action server
        }
    )
    actions = start_logged([sys.executable, "-m", "kefu_cli", "actions"], env, tmp / "actions.log")
    rasa = start_logged(
        rasa_run_args("127.0.0.1", r_port, model),
        rasa_env(redis_url, actions_url, env),
        tmp / "rasa.log",
    )
    try:
        # 503 until its knowledge base is open and its index built
        _wait_http(f"{actions_url}/health", actions, tmp / "actions.log", ACTIONS_READY_S)
        _wait_http(f"http://127.0.0.1:{r_port}/", rasa, tmp / "rasa.log", 240)
        yield DialogueStack(f"http://127.0.0.1:{r_port}", actions_url, db_url)
    finally:
        _stop([rasa, actions])
