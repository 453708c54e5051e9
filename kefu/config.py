"""Settings shared by every service.

Each service has one settings object (``bot.settings.GatewaySettings``,
``handoff.settings.StaffSettings``, ``actions.settings.ActionSettings``) built from this base.
Values come from the environment first, then from ``.env`` at the repo root. Every address
defaults to 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'kefu.db'}"


class CommonSettings(BaseSettings):
    """What every kefu process needs to know."""

    model_config = SettingsConfigDict(
        env_prefix="KEFU_",
        env_file=str(ROOT / ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    redis_url: str = DEFAULT_REDIS_URL
    database_url: str = Field(default_factory=default_database_url)
    internal_token: SecretStr = SecretStr("")
    log_level: str = "INFO"
    log_format: str = "console"  # "console" or "json"

    @property
    def redacted_redis_url(self) -> str:
        return redact_url(self.redis_url)

    @property
    def redacted_database_url(self) -> str:
        return redact_url(self.database_url)


def redact_url(url: str) -> str:
    """Hide the password of a connection URL for logs and health output."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
