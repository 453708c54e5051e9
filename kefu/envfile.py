"""``.env``: secrets generated with fresh random values on first run, never committed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from kefu.config import ENV_FILE

SECRET_KEYS = (
    "KEFU_API_KEY",
    "KEFU_INTERNAL_TOKEN",
    "KEFU_ADMIN_PASSWORD",
    "KEFU_JWT_SECRET",
    "KEFU_REDIS_PASSWORD",  # the embedded Redis's requirepass (kefu demo)
    "KEFU_IDENTITY_SECRET",
    "WECHAT_TOKEN",
    "WECHAT_AES_KEY",
)
EMPTY_KEYS = ("WECHAT_APPID", "WECHAT_SECRET")


def _value(key: str) -> str:
    if key == "KEFU_ADMIN_PASSWORD":
        return secrets.token_urlsafe(12)
    if key == "WECHAT_AES_KEY":  # WeChat's EncodingAESKey: 43 characters of base64
        return secrets.token_urlsafe(48)[:43].replace("-", "A").replace("_", "B")
    if key in ("WECHAT_TOKEN", "KEFU_REDIS_PASSWORD"):  # hex: safe inside a URL
        return secrets.token_hex(16)
    return secrets.token_urlsafe(32)


def read_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def ensure_env_file(path: Path | None = None) -> tuple[Path, list[str]]:
    """Create ``.env`` or add the secrets it lacks; returns the path and the keys written."""
    path = path or ENV_FILE
    existing = read_env(path)
    added: list[str] = []
    lines: list[str] = []
    if not path.exists():
        lines.append("# kefu secrets, generated on first run. Never commit this file.")
    for key in (*SECRET_KEYS, *EMPTY_KEYS):
        if key not in existing:
            lines.append(f"{key}={'' if key in EMPTY_KEYS else _value(key)}")
            added.append(key)
    if lines:
        with path.open("a", encoding="utf-8") as handle:
            if path.stat().st_size if path.exists() else 0:
                handle.write("\n")
            handle.write("\n".join(lines) + "\n")
        os.chmod(path, 0o600)
    return path, added
