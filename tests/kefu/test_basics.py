"""Shared infrastructure: .env generation, language detection, port checks, embedded Redis."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest

from kefu.config import redact_url
from kefu.envfile import SECRET_KEYS, ensure_env_file, read_env
from kefu.i18n import detect_lang, normalise_lang
from kefu.redis_server import EmbeddedRedis, redis_reachable
from kefu.web import check_port_free


def test_env_file_gets_fresh_secrets_once(tmp_path: Path):
    path = tmp_path / ".env"
    _, added = ensure_env_file(path)
    assert set(SECRET_KEYS) <= set(added)
    first = read_env(path)
    assert all(len(first[k]) >= 16 for k in SECRET_KEYS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    _, added_again = ensure_env_file(path)
    assert added_again == []
    assert read_env(path) == first
    other = tmp_path / "other.env"
    ensure_env_file(other)
    assert read_env(other)["KEFU_API_KEY"] != first["KEFU_API_KEY"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("你好", "zh"),
        ("我的訂單怎麼還沒發貨", "zh-Hant"),
        ("where is my parcel", "en"),
        ("订单号 A123 怎么还没ship", "zh"),
        ("😀😀", "zh"),
        ("123", "zh"),
    ],
)
def test_detect_lang(text: str, lang: str):
    assert detect_lang(text) == lang


def test_normalise_lang():
    assert normalise_lang("zh-CN") == "zh"
    assert normalise_lang("zh-TW") == "zh-Hant"
    assert normalise_lang("en-US") == "en"
    assert normalise_lang("fr") is None


def test_port_taken_names_the_port_and_variable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(SystemExit, match=f"port {port}.*KEFU_GATEWAY_PORT"):
            check_port_free("127.0.0.1", port, "KEFU_GATEWAY_PORT")


def test_redact_url():
    assert redact_url("redis://:pw@h:1/0") == "redis://:***@h:1/0"
    assert redact_url("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"


def test_embedded_redis_persists_with_aof(tmp_path: Path):
    import redis

    with EmbeddedRedis(tmp_path, persistent=True) as server:
        client = redis.Redis.from_url(server.url)
        client.set("k", "v")
        client.close()
    assert not redis_reachable(server.url)
    with EmbeddedRedis(tmp_path, persistent=True) as again:
        client = redis.Redis.from_url(again.url)
        assert client.get("k") == b"v"
        client.close()
