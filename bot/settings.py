"""Gateway settings (``KEFU_*`` environment variables, then ``.env``)."""

from __future__ import annotations

from pydantic import SecretStr

from kefu.config import CommonSettings


class GatewaySettings(CommonSettings):
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    gateway_workers: int = 1
    api_key: SecretStr = SecretStr("")
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    staff_url: str = "http://127.0.0.1:8100"
    rasa_timeout_s: float = 10.0
    max_text_chars: int = 4000
    max_body_bytes: int = 64 * 1024
    long_poll_max_s: float = 30.0
