"""Files holding secrets or personal data are mode 600 whatever the umask: the SQLite database
and its WAL, Redis's append-only file and log; the embedded Redis asks for a password."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from kefu.db import make_engine
from kefu.envfile import SECRET_KEYS
from kefu.file_modes import make_private
from kefu.redis_server import EmbeddedRedis


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual 022: files would be world-readable unless kefu says otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_sqlite_database_and_wal_are_private(tmp_path: Path, open_umask: None):
    db = tmp_path / "var" / "kefu.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (v TEXT)"))
            conn.execute(text("INSERT INTO t VALUES ('13812345678')"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT v FROM t")).scalar() == "13812345678"
            wal = db.with_name("kefu.db-wal")
            assert wal.exists()
            assert mode(wal) == 0o600
        assert mode(db) == 0o600
    finally:
        engine.dispose()


def test_embedded_redis_files_are_private_and_it_needs_its_password(
    tmp_path: Path, open_umask: None
):
    assert "KEFU_REDIS_PASSWORD" in SECRET_KEYS  # generated into .env for kefu demo
    with EmbeddedRedis(tmp_path / "redis", persistent=True, password="pa/ss@word") as server:
        assert ":pa%2Fss%40word@" in server.url
        anonymous = redis.Redis(port=server.port)
        with pytest.raises(redis.AuthenticationError):
            anonymous.ping()
        anonymous.close()
        client = redis.Redis.from_url(server.url)
        client.set("customer:phone", "13812345678")
        client.close()
    files = [p for p in (tmp_path / "redis").rglob("*") if p.is_file()]
    assert any("aof" in p.name for p in files)
    for path in files:
        assert mode(path) == 0o600, path
    assert mode(tmp_path / "redis") == 0o700


def test_make_private_tightens_files_left_by_older_runs(tmp_path: Path):
    old = tmp_path / "var" / "redis" / "appendonly.aof"
    old.parent.mkdir(parents=True)
    old.write_text("*1\r\n")
    old.chmod(0o644)
    old.parent.chmod(0o755)
    make_private(tmp_path / "var")
    assert mode(old) == 0o600
    assert mode(old.parent) == 0o700
