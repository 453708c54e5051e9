"""Staff console settings (``KEFU_*`` environment variables, then ``.env``)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from kefu.config import CommonSettings


class StaffSettings(CommonSettings):
    staff_host: str = "127.0.0.1"
    staff_port: int = 8100
    admin_password: SecretStr = SecretStr("")
    jwt_secret: SecretStr = SecretStr("")
    jwt_ttl_s: int = 12 * 3600
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    gateway_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 10 * 1024 * 1024  # FAQ imports come through here

    # Queue and routing (see handoff/queue.py)
    skill_groups: list[str] = Field(
        default_factory=lambda: ["presale", "aftersales", "logistics", "complaints"]
    )
    claim_groups: list[str] = Field(
        default_factory=list
    )  # groups where agents claim chats instead of auto-assignment
    aging_step_s: float = 60.0  # one priority level is worth this much waiting
    default_handle_s: float = 180.0  # ETA basis until real handling times are known
    business_hours: str = "00:00-24:00"  # local time, e.g. "09:00-23:00"
    timezone: str = "Asia/Shanghai"
    max_message_chars: int = 4000
    ticket_due_hours: float = 24.0
    # Presence: an agent without a heartbeat for heartbeat_timeout_s is offline; their chats go
    # back to the queue after reassign_grace_s.
    heartbeat_timeout_s: float = 30.0
    reassign_grace_s: float = 120.0
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
    background_interval_s: float = 1.0
    background_tasks: bool = True
