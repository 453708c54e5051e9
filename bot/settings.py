"""Gateway settings (``KEFU_*`` environment variables, then ``.env``; WeChat's ``WECHAT_*``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator

from kefu.config import CommonSettings, QueueSettings


def _wechat(name: str) -> AliasChoices:
    # The WeChat variables carry no KEFU_ prefix (ARCHITECTURE.md); the field name also works.
    return AliasChoices(f"WECHAT_{name.upper()}", f"wechat_{name}")


class GatewaySettings(QueueSettings, CommonSettings):
    """The gateway's settings; the queue's (``QueueSettings``) are the staff console's too, so
    handoffs made through the gateway get the same ticket due times, ETAs and groups."""

    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    gateway_workers: int = 1
    api_key: SecretStr = SecretStr("")
    # More integrations, each with its own key and rate limit: "shop-a:KEY1,app-b:KEY2".
    api_keys: SecretStr = SecretStr("")
    # Signs the shop's logged-in customer on the web page and widget (kefu.identity).
    identity_secret: SecretStr = SecretStr("")
    # One Rasa server, or several separated by commas ("http://10.0.0.5:5005,http://10.0.0.6:5005"):
    # each turn goes to the one with the fewest turns in flight (trackers and locks are in
    # Redis, so any of them can answer any conversation).
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    staff_url: str = "http://127.0.0.1:8100"
    rasa_timeout_s: float = 10.0
    # Bot turns in flight to Rasa at once, per gateway process; the rest wait their turn in
    # order (within rasa_timeout_s). A few per Rasa worker keep it busy; hundreds queued inside
    # the HTTP client's pool cost the gateway most of its CPU (bench/README.md).
    rasa_max_in_flight: int = Field(16, ge=1, le=1024)  # per Rasa server

    @field_validator("rasa_url")
    @classmethod
    def _rasa_urls_valid(cls, value: str) -> str:
        urls = [u.strip() for u in value.split(",") if u.strip()]
        if not urls:
            raise ValueError("KEFU_RASA_URL needs at least one http(s) URL")
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise ValueError(f"KEFU_RASA_URL: {url!r} is not an http(s) URL")
        return ",".join(urls)

    @property
    def rasa_urls(self) -> list[str]:
        return self.rasa_url.split(",")

    max_text_chars: int = 4000
    max_body_bytes: int = 64 * 1024
    long_poll_max_s: float = 30.0

    # REST rate limits (per minute, a moving window in Redis: kefu.ratelimit)
    rate_per_key_per_min: int = 600
    rate_per_conversation_per_min: int = 30

    # long polls waiting at once (more answer at once); Redis connections: redis_max_connections
    long_polls_max: int = 1000

    # WebSocket /ws
    ws_max_connections: int = 5000  # per gateway process; more are refused (close 1013)
    # open sockets per client address over every gateway process (1013; kefu.socket_cap)
    ws_max_per_address: int = 200
    ws_max_frame_bytes: int = 16 * 1024
    ws_messages_per_10s: int = 10  # per conversation, over all its sockets (bot.ws_limits)
    ws_messages_per_address_per_min: int = 600  # per client address (NAT: keep it generous)

    # WeChat Official Account
    wechat_token: SecretStr = Field(SecretStr(""), validation_alias=_wechat("token"))
    wechat_appid: str = Field("", validation_alias=_wechat("appid"))
    wechat_secret: SecretStr = Field(SecretStr(""), validation_alias=_wechat("secret"))
    wechat_aes_key: SecretStr = Field(SecretStr(""), validation_alias=_wechat("aes_key"))
    wechat_api_base: str = Field("https://api.weixin.qq.com", validation_alias=_wechat("api_base"))
    wechat_passive_budget_s: float = 4.0
    wechat_timestamp_window_s: int = 300
    wechat_max_body_bytes: int = 16 * 1024
    wechat_window_hours: float = 48.0
    wechat_window_messages: int = 5
    # a template message for ticket updates once the 48-hour window has closed ("" none: the
    # ticket is marked not reachable on WeChat instead)
    wechat_ticket_template_id: str = ""

    def integration_keys(self) -> dict[str, str]:
        """API key → integration name; ``KEFU_API_KEY`` is the integration ``default``."""
        keys: dict[str, str] = {}
        if self.api_key.get_secret_value():
            keys[self.api_key.get_secret_value()] = "default"
        for pair in self.api_keys.get_secret_value().split(","):
            name, sep, key = pair.strip().partition(":")
            if sep and name.strip() and key.strip():
                keys[key.strip()] = name.strip()
        return keys
