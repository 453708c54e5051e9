"""Real parts for every test: Redis (KEFU_REDIS_URL, else an embedded redis-server we start),
SQL (SQLite always; PostgreSQL too when KEFU_TEST_POSTGRES_URL is set), and — for tests marked
``rasa`` — the real Rasa server with the trained model plus our action server, as processes."""

from __future__ import annotations

import asyncio
import io
import itertools
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sanic import Sanic
from sqlalchemy import text

from kefu.config import ROOT
from kefu.db import make_async_engine, make_engine
from kefu.rasa_proc import latest_model, rasa_binary, rasa_env, rasa_run_args
from kefu.redis_client import async_client, is_cluster, sync_client
from kefu.redis_server import EmbeddedCluster, EmbeddedRedis, free_port, redis_reachable
from kefu.schema import upgrade
from kefu_cli.tables import metadata

Sanic.test_mode = True

# The served staff console (``console``, ``claim_console``) for every test directory.
pytest_plugins = ["tests.staff_console"]
_app_names = itertools.count()

TEST_API_KEY = "test-api-key-0123456789"
TEST_INTERNAL_TOKEN = "test-internal-token-0123456789"
TEST_JWT_SECRET = "test-jwt-secret-0123456789abcdef"
TEST_ADMIN_PASSWORD = "admin-password-123"

# Settings objects must not pick up a developer's .env during tests.
for _key in list(os.environ):
    if _key.startswith("KEFU_") and _key not in {"KEFU_REDIS_URL", "KEFU_TEST_POSTGRES_URL"}:
        del os.environ[_key]


def unique_app_name(prefix: str) -> str:
    return f"{prefix}-{next(_app_names)}"


# ---------------------------------------------------------------- Redis


CLUSTER = os.environ.get("KEFU_TEST_REDIS") == "cluster"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (without db) of the Redis the suite uses: KEFU_REDIS_URL when it answers, else
    an embedded Redis — or, with KEFU_TEST_REDIS=cluster (``make test-cluster``), an embedded
    Redis Cluster of three masters."""
    configured = os.environ.get("KEFU_REDIS_URL")
    if configured and redis_reachable(configured):
        base = configured
        if not is_cluster(configured) and configured.count("/") > 2:
            base = configured.rsplit("/", 1)[0]
        yield base
        return
    if CLUSTER:
        with EmbeddedCluster(tmp_path_factory.mktemp("redis-cluster")) as cluster:
            yield cluster.url
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis"), persistent=False) as server:
        yield f"redis://127.0.0.1:{server.port}"


def redis_db_url(base: str, db: int) -> str:
    """``base`` with database ``db``; a cluster has only database 0, shared by everything."""
    return base if is_cluster(base) else f"{base}/{db}"


def flush(url: str) -> None:
    client = sync_client(url)
    try:
        client.flushdb()  # on a cluster: every master
    finally:
        client.close()


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """A clean Redis database for one test (db 9), flushed before and after."""
    url = redis_db_url(redis_server, 9)
    flush(url)
    yield url
    flush(url)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = async_client(redis_url)
    yield client
    await client.aclose()


# ---------------------------------------------------------------- SQL


def _sql_params() -> list[Any]:
    params: list[Any] = ["sqlite"]
    if os.environ.get("KEFU_TEST_POSTGRES_URL"):
        params.append(pytest.param("postgres", marks=pytest.mark.postgres))
    return params


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file built by the migrations (``kefu db upgrade``); each test gets a copy."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def migrated_sqlite(_sqlite_template: Path, tmp_path: Path) -> Callable[[str], str]:
    """Copy the migrated template to ``tmp_path / name``; returns its URL."""

    def make(name: str = "kefu.db") -> str:
        target = tmp_path / name
        shutil.copyfile(_sqlite_template, target)
        return f"sqlite:///{target}"

    return make


@pytest.fixture(scope="session")
def _postgres_ready() -> str | None:
    url = os.environ.get("KEFU_TEST_POSTGRES_URL")
    if not url:
        return None
    engine = make_engine(url)
    metadata().drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    upgrade(url)
    return url


@pytest.fixture(params=_sql_params())
def database_url(
    request: pytest.FixtureRequest,
    migrated_sqlite: Callable[[str], str],
    _postgres_ready: str | None,
) -> Iterator[str]:
    """A real, empty SQL database with kefu's migrated schema: SQLite, and PostgreSQL when
    configured."""
    if request.param == "sqlite":
        yield migrated_sqlite("kefu.db")
        return
    assert _postgres_ready is not None
    engine = make_engine(_postgres_ready)
    with engine.begin() as conn:
        names = ", ".join(t.name for t in reversed(metadata().sorted_tables))
        if names:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield _postgres_ready


@pytest.fixture
def sqlite_url(migrated_sqlite: Callable[[str], str]) -> str:
    return migrated_sqlite("kefu.db")


@pytest.fixture
async def async_engine(database_url: str) -> AsyncIterator[Any]:
    engine = make_async_engine(database_url)
    yield engine
    await engine.dispose()


# ---------------------------------------------------------------- in-process servers


class LiveServer:
    """A Sanic app served on a real 127.0.0.1 port inside the test's event loop."""

    def __init__(self, app: Sanic) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: Any = None

    async def start(self) -> LiveServer:
        self._server = await self.app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        await self._server.startup()
        await self._server.before_start()
        await self._server.after_start()
        return self

    async def stop(self) -> None:
        """Stop as Sanic's own runner does (``sanic.server.runners``): no new connections, idle
        ones closed, busy requests given a grace period, open WebSockets told "going away" —
        and then wait for every connection's handler to finish, so none outlives the test's
        event loop (its unfinished Redis or SQLite work would then hang or fail elsewhere)."""
        server = self._server
        await server.before_stop()
        await server.close()
        handlers = [c._task for c in server.connections if getattr(c, "_task", None)]
        for conn in list(server.connections):
            if getattr(conn, "websocket", None) is not None:
                conn.websocket.fail_connection(code=1001)
            else:
                conn.close_if_idle()
        stuck: set[asyncio.Task[Any]] = set()
        if handlers:
            _, busy = await asyncio.wait(handlers, timeout=STOP_GRACE_S)
            for conn in list(server.connections):
                conn.abort()
            if busy:
                _, stuck = await asyncio.wait(busy, timeout=STOP_GRACE_S)
        stacks = "\n".join(_task_stack(task) for task in stuck)
        await server.after_stop()
        if stuck:  # say where, rather than hang the suite until its timeout
            raise RuntimeError(f"{self.app.name}: handlers did not stop:\n{stacks}")


STOP_GRACE_S = 10.0  # what a request in flight gets when a test's server stops


def _task_stack(task: asyncio.Task[Any]) -> str:
    out = io.StringIO()
    task.print_stack(file=out)
    return out.getvalue()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Sanic], Any]]:
    servers: list[LiveServer] = []

    async def start(app: Sanic) -> LiveServer:
        server = await LiveServer(app).start()
        servers.append(server)
        return server

    yield start
    for server in reversed(servers):
        await server.stop()


# ---------------------------------------------------------------- Rasa + actions processes


class RasaStack:
    def __init__(
        self, rasa_url: str, actions_url: str, redis_url: str, database_url: str = ""
    ) -> None:
        self.rasa_url = rasa_url
        self.actions_url = actions_url
        self.redis_url = redis_url
        self.database_url = database_url  # the action server's (its shop's) database


def start_logged(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A child process of the suite (its own session, output to ``log``)."""
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


# The action server's /health is 503 until its knowledge base is built (the encoder loads first).
ACTIONS_READY_S = 240
# Rasa loads TensorFlow and the model: over 180 s once on a machine at load 14 (2 cores).
RASA_READY_S = 360


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{tail}")


@pytest.fixture(scope="session")
def rasa_stack(redis_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    """The trained Rasa model served by .venv-rasa, and our action server, as real processes."""
    model = latest_model()
    if model is None or not rasa_binary().exists():
        pytest.fail("no trained model or .venv-rasa: run `make test`, which builds both")
    logs = tmp_path_factory.mktemp("rasa-logs")
    redis_url = redis_db_url(redis_server, 8)
    actions_port, rasa_port = free_port(), free_port()
    actions_url = f"http://127.0.0.1:{actions_port}"
    database_url = f"sqlite:///{logs / 'kefu.db'}"
    upgrade(database_url)  # `kefu actions` refuses an unmigrated database
    env = dict(os.environ)
    env.update(
        {
            "KEFU_REDIS_URL": redis_url,
            "KEFU_DATABASE_URL": database_url,
            "KEFU_ACTIONS_PORT": str(actions_port),
            "KEFU_LOG_LEVEL": "WARNING",
            "KEFU_INTERNAL_TOKEN": TEST_INTERNAL_TOKEN,  # Rasa's channel, the action server
        }
    )
    actions_log = logs / "actions.log"
    rasa_log = logs / "rasa.log"
    actions = start_logged([sys.executable, "-m", "kefu_cli", "actions"], env, actions_log)
    rasa_args = rasa_run_args("127.0.0.1", rasa_port, model)
    rasa = start_logged(rasa_args, rasa_env(redis_url, actions_url, env), rasa_log)
    try:
        # 503 until its knowledge base is open and its index built
        _wait_http(f"{actions_url}/health", actions, actions_log, ACTIONS_READY_S)
        _wait_http(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log, RASA_READY_S)
        yield RasaStack(f"http://127.0.0.1:{rasa_port}", actions_url, redis_url, database_url)
    finally:
        for proc in (rasa, actions):
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
        for proc in (rasa, actions):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
