"""Settings: one object per service; the queue's settings are shared, so the gateway's queue
service uses what the staff console's does; KEFU_HOME places .env, var/ and models/."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import GatewaySettings
from console.settings import StaffSettings
from handoff.queue_config import QueueConfig
from kefu.config import QueueSettings


def test_every_queue_setting_is_a_shared_setting():
    # QueueConfig falls back to its own default for a field a service's settings lack, which
    # silently ignored the queue values set for the staff console in the gateway.
    fields = {f.name for f in dataclasses.fields(QueueConfig)}
    assert fields <= set(QueueSettings.model_fields)


def test_the_gateway_queue_uses_the_values_set_for_the_staff_console(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("KEFU_TICKET_DUE_HOURS", "48")
    monkeypatch.setenv("KEFU_DEFAULT_HANDLE_S", "90")
    monkeypatch.setenv("KEFU_SKILL_GROUPS", '["presale", "vip"]')
    monkeypatch.setenv("KEFU_BUSINESS_HOURS", "09:00-21:00")
    staff = QueueConfig.from_settings(StaffSettings())
    gateway = QueueConfig.from_settings(GatewaySettings())
    assert gateway == staff
    assert gateway.ticket_due_hours == 48.0
    assert gateway.default_handle_s == 90.0
    assert gateway.skill_groups == ["presale", "vip"]
    assert gateway.business_hours == "09:00-21:00"


def test_kefu_home_holds_env_var_and_models(tmp_path: Path):
    (tmp_path / ".env").write_text("KEFU_LOG_LEVEL=DEBUG\n", encoding="utf-8")
    script = (
        "import json\n"
        "from kefu.config import CommonSettings, ENV_FILE, MODELS_DIR, VAR_DIR\n"
        "from kefu.rasa_proc import MODELS\n"
        "s = CommonSettings()\n"
        "print(json.dumps([str(ENV_FILE), str(VAR_DIR), str(MODELS_DIR), str(MODELS),"
        " s.database_url, s.log_level]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env["KEFU_HOME"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd="/", capture_output=True, check=True
    )
    env_file, var, models, rasa_models, database_url, log_level = json.loads(out.stdout)
    assert env_file == str(tmp_path / ".env")
    assert var == str(tmp_path / "var")
    assert models == rasa_models == str(tmp_path / "models")
    assert database_url == f"sqlite:///{tmp_path / 'var' / 'kefu.db'}"
    assert log_level == "DEBUG"  # read from KEFU_HOME/.env
