"""Settings shared by every service.

Each service has one settings object (``bot.settings.GatewaySettings``,
``console.settings.StaffSettings``, ``actions.settings.ActionSettings``) built from this base.
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

from pydantic import Field, SecretStr, field_validator
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
    # Redis connections a gateway or staff console process holds for commands (a command waits
    # for a free one). Waiting for conversation events adds at most handoff.wakeups.PARTITIONS
    # + 1 (8 + 1), typing handoff.typing_relay.PUBSUB_POOL (4), whatever the number of sockets
    # and long polls (on a Redis Cluster: per master).
    redis_max_connections: int = Field(default=64, ge=1)
    database_url: str = Field(default_factory=default_database_url)
    internal_token: SecretStr = SecretStr("")
    log_level: str = "INFO"
    log_format: str = "console"  # "console" or "json"
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
    # empty: the socket's peer is the client (kefu.client_ip)
    trusted_proxies: str = ""

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        from kefu.client_ip import parse_trusted_proxies

        parse_trusted_proxies(value)  # a ValueError names the bad entry
        return value

    @property
    def redacted_redis_url(self) -> str:
        return redact_url(self.redis_url)

    @property
    def redacted_database_url(self) -> str:
        return redact_url(self.database_url)


# The queue's maximum wait per group (QueueSettings.max_wait_s); other groups: DEFAULT_WAIT_S.
DEFAULT_MAX_WAIT_S: dict[str, float] = {
    "presale": 600.0,
    "aftersales": 1800.0,
    "logistics": 1800.0,
    "complaints": 1800.0,
}
DEFAULT_WAIT_S = 1800.0


class QueueSettings(BaseSettings):
    """The queue's settings, shared by every service that builds the queue service (the staff
    console and the gateway): skill groups, ETAs, business hours, ticket due times, SLAs.

    ``handoff.queue_config.QueueConfig`` reads exactly these fields from a service's settings."""

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
    # Per group (JSON in the environment): its own hours and time zone, e.g. a Hong Kong /
    # Taiwan or overseas team: KEFU_GROUP_HOURS='{"presale_hk": "09:00-21:00"}',
    # KEFU_GROUP_TIMEZONES='{"presale_hk": "Asia/Hong_Kong"}'.
    group_hours: dict[str, str] = Field(default_factory=dict)
    group_timezones: dict[str, str] = Field(default_factory=dict)
    # Per group, the group that serves customers of a language instead (handoff.skills):
    # KEFU_LANGUAGE_GROUPS='{"presale": {"zh-Hant": "presale_hk", "en": "presale_intl"}}'.
    language_groups: dict[str, dict[str, str]] = Field(default_factory=dict)
    # A handoff that names no group and whose intents point to none (handoff.skills).
    default_skill_group: str = "aftersales"
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
    # The longest a customer waits in a group's queue: after it the chat leaves the queue and
    # becomes a ticket (handoff.give_up). Seconds per group; a group not listed waits 30 min;
    # 0 switches it off for a group. KEFU_MAX_WAIT_S='{"presale": 600}'.
    max_wait_s: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_MAX_WAIT_S))
    # Every conversation ends: a bot-owned conversation whose customer is silent this long is
    # closed (asked whether it was solved, and for a rating); an archived conversation's Redis
    # keys (and Rasa's trackers, through kefu rasa) expire this long after its end.
    idle_close_s: float = Field(default=600.0, gt=0)
    retention_s: float = Field(default=7 * 86400.0, gt=0)


def redact_url(url: str) -> str:
    """Hide the password of a connection URL for logs and health output."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
