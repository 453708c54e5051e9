"""Action server settings (``KEFU_*`` environment variables, then ``.env``)."""

from __future__ import annotations

from kefu.config import CommonSettings


class ActionSettings(CommonSettings):
    actions_host: str = "127.0.0.1"
    actions_port: int = 5055
    staff_url: str = "http://127.0.0.1:8100"
