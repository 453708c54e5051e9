"""Rasa's own conversation tests (`rasa test core`) for every flow, with the real action server
on a demo shop database. The model is models/kefu.tar.gz (or RASA_TEST_MODEL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kefu.config import ROOT
from kefu.rasa_proc import rasa_binary
from kefu.redis_server import free_port
from kefu.schema import upgrade
from shop.demo import seed_shop
from tests.conftest import ACTIONS_READY_S, TEST_INTERNAL_TOKEN, _wait_http, start_logged
from tests.conversations.conftest import model_path

HERE = Path(__file__).parent


@pytest.fixture
def action_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    upgrade(url)
    seed_shop(url)
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "KEFU_DATABASE_URL": url,
            "KEFU_ACTIONS_PORT": str(port),
            "KEFU_SHOP_DEFAULT_CUSTOMER_ID": "demo-001",
            "KEFU_STAFF_URL": f"http://127.0.0.1:{free_port()}",  # down: handoffs answer politely
            "KEFU_LOG_LEVEL": "WARNING",
            "KEFU_INTERNAL_TOKEN": TEST_INTERNAL_TOKEN,  # the action server answers only with it
        }
    )
    log = tmp_path / "actions.log"
    proc = start_logged([sys.executable, "-m", "kefu_cli", "actions"], env, log)
    try:
        _wait_http(f"http://127.0.0.1:{port}/health", proc, log, ACTIONS_READY_S)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.rasa
def test_every_conversation_story_passes(action_server: str, tmp_path: Path):
    model = model_path()
    if not model.exists() or not rasa_binary().exists():
        pytest.fail(f"no trained model at {model} or no .venv-rasa: run `make model`")
    endpoints = tmp_path / "endpoints.yml"
    endpoint = {
        "url": action_server + "/webhook",
        "headers": {"Authorization": f"Bearer {TEST_INTERNAL_TOKEN}"},
    }
    endpoints.write_text(yaml.safe_dump({"action_endpoint": endpoint}))
    out = tmp_path / "results"
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore",
    )
    result = subprocess.run(
        [
            str(rasa_binary()),
            "test",
            "core",
            "--stories",
            str(HERE),
            "--model",
            str(model),
            "--endpoints",
            str(endpoints),
            "--out",
            str(out),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    failed = out / "failed_test_stories.yml"
    report = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:], report)
    assert "stories:" not in report or "None of the test stories failed" in report, report
