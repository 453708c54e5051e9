"""Staff console settings (``KEFU_*`` environment variables, then ``.env``)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from kefu.config import CommonSettings, QueueSettings


class StaffSettings(QueueSettings, CommonSettings):
    staff_host: str = "127.0.0.1"
    staff_port: int = 8100
    admin_password: SecretStr = SecretStr("")
    jwt_secret: SecretStr = SecretStr("")
    jwt_ttl_s: int = 12 * 3600
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    gateway_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 10 * 1024 * 1024  # FAQ imports come through here
    # The customer panel's shop look-ups give up after this long ("orders unavailable").
    shop_timeout_s: float = 3.0

    # Queue and routing: QueueSettings (shared with the gateway, which builds the queue too)
    max_message_chars: int = 4000
    # Presence: an agent without a heartbeat for heartbeat_timeout_s is offline; their chats go
    # back to the queue after reassign_grace_s.
    heartbeat_timeout_s: float = 30.0
    reassign_grace_s: float = 120.0
    background_interval_s: float = 1.0
    background_tasks: bool = True
    # Archived transcripts are deleted, facts and closed tickets anonymised, after this many
    # days (handoff.retention); 0 keeps everything.
    retention_days: int = Field(default=180, ge=0, le=36500)
    ticket_interval_s: float = 30.0  # overdue tickets escalate, silent ones close, this often
    # finished days' report roll-ups are brought up to date this often (handoff.rollups)
    rollup_interval_s: float = 60.0
