"""Settings shared by every service.

Each service has one settings object (``bot.settings.GatewaySettings``,
``handoff.settings.StaffSettings``, ``actions.settings.ActionSettings``) built from this base.
Values come from the environment first, then from ``.env`` in ``KEFU_HOME``. Every address
defaults to 127.0.0.1. Settings two services need alike are one shared model that both service
settings inherit (``QueueSettings``: the staff console and the gateway both build the queue
service), so a value set once means the same in both.

``KEFU_HOME`` is where kefu keeps its data: ``.env``, ``var/`` (SQLite file, embedded Redis) and
``models/`` (the trained Rasa model). Unset, it is the checkout kefu runs from (an editable
install) or else the current directory, so an installed (non-editable) kefu works too. This
module is the one place that reads the environment outside the settings objects.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The source checkout: code and configuration that ship with it (bench/, endpoints.yml,
# credentials.yml, rasa_addons/, .venv-rasa/). Data never lives here unless it is also KEFU_HOME.
ROOT = Path(__file__).resolve().parent.parent


def kefu_home() -> Path:
    """``KEFU_HOME``, else the checkout (when kefu runs from one), else the current directory."""
    configured = os.environ.get("KEFU_HOME", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    if (ROOT / "pyproject.toml").is_file():
        return ROOT
    return Path.cwd().resolve()


HOME = kefu_home()
VAR_DIR = HOME / "var"
MODELS_DIR = HOME / "models"
ENV_FILE = HOME / ".env"

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'kefu.db'}"


class CommonSettings(BaseSettings):
    """What every kefu process needs to know."""

    model_config = SettingsConfigDict(
        env_prefix="KEFU_",
        env_file=str(ENV_FILE),
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


class QueueSettings(BaseSettings):
    """The queue's settings, shared by every service that builds the queue service (the staff
    console and the gateway): skill groups, ETAs, business hours, ticket due times, SLAs.

    ``handoff.queue.QueueConfig`` reads exactly these fields from a service's settings."""

    model_config = SettingsConfigDict(env_prefix="KEFU_", extra="ignore")

    skill_groups: list[str] = Field(
        default_factory=lambda: ["presale", "aftersales", "logistics", "complaints"]
    )
    # groups where agents claim chats instead of auto-assignment
    claim_groups: list[str] = Field(default_factory=list)
    aging_step_s: float = 60.0  # one priority level is worth this much waiting
    default_handle_s: float = 180.0  # ETA basis until real handling times are known
    business_hours: str = "00:00-24:00"  # local time, e.g. "09:00-23:00"
    timezone: str = "Asia/Shanghai"
    ticket_due_hours: float = 24.0
    # SLA: first agent response targets per group (seconds); big-sale mode relaxes presale.
    sla_first_response_s: dict[str, float] = Field(
        default_factory=lambda: {
            "presale": 30.0,
            "aftersales": 3600.0,
            "logistics": 3600.0,
            "complaints": 600.0,
        }
    )
    sla_big_sale_presale_s: float = 60.0
    big_sale: bool = False


def redact_url(url: str) -> str:
    """Hide the password of a connection URL for logs and health output."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
