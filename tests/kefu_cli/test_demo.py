"""Pieces of `kefu demo` that can be checked without starting everything."""

from __future__ import annotations

from pathlib import Path

import pytest

from kefu.rasa_proc import rasa_env
from kefu_cli.demo import single_instance


def test_a_second_demo_is_told_one_runs(tmp_path: Path):
    lock = tmp_path / "demo.lock"
    with (
        single_instance(lock),
        pytest.raises(SystemExit, match="already running"),
        single_instance(lock),
    ):
        pass
    with single_instance(lock):  # free again once the first one ended
        assert lock.read_text().strip().isdigit()


def test_rasa_env_derives_redis_and_action_endpoint():
    env = rasa_env("redis://:s3cret@10.1.2.3:6380/4", "http://127.0.0.1:5056", base={})
    assert env["KEFU_RASA_REDIS_HOST"] == "10.1.2.3"
    assert env["KEFU_RASA_REDIS_PORT"] == "6380"
    assert env["KEFU_RASA_REDIS_DB"] == "4"
    assert env["KEFU_RASA_REDIS_PASSWORD"] == "s3cret"
    assert env["KEFU_RASA_ACTION_URL"] == "http://127.0.0.1:5056/webhook"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["KEFU_RASA_RECORD_EXP"] == "604800"  # trackers: the default retention, 7 days
    kept = rasa_env("redis://127.0.0.1:6379", "http://x", base={"KEFU_RETENTION_S": "3600"})
    assert kept["KEFU_RASA_RECORD_EXP"] == "3600"
    plain = rasa_env("redis://127.0.0.1:6379", "http://127.0.0.1:5055/", base={})
    assert (plain["KEFU_RASA_REDIS_DB"], plain["KEFU_RASA_REDIS_PASSWORD"]) == ("0", "")
