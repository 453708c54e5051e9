"""Action server settings (``KEFU_*`` environment variables, then ``.env``)."""

from __future__ import annotations

from pydantic import Field

from kefu.config import CommonSettings


class ActionSettings(CommonSettings):
    actions_host: str = "127.0.0.1"
    actions_port: int = 5055
    staff_url: str = "http://127.0.0.1:8100"
    handoff_timeout_s: float = 3.0
    # Customer id for order look-ups when a channel sends none (anonymous chat, `rasa test`).
    # Empty: such customers are asked to log in. Set it only for demos and tests.
    shop_default_customer_id: str = ""
    # Customers whose shop `vip_level` is at least this get a person at the bot's first miss
    # (reason `vip`) instead of the second. The demo shop's levels are 0, 1 and 3 (demo-001).
    # 0 turns the rule off. Their queue priority is raised by the handoff service (vip_level).
    vip_handoff_level: int = Field(default=3, ge=0, le=10)
