"""WeChat's server API as the gateway uses it: the access token and customer-service messages.

The access token is shared by every gateway process through Redis: cached until shortly before
it expires, and refreshed by one process at a time (a Redis lock); the others wait for the new
value. ``send_text`` retries once with a fresh token when WeChat says the token is invalid
(40001) or expired (42001).
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
from redis.asyncio import Redis

from kefu import redis_keys as keys
from kefu.logging import get_logger
from kefu.redis_client import text_or_empty

log = get_logger(__name__)

TOKEN_INVALID = {40001, 40014, 42001}
WINDOW_CLOSED = {45015, 45047}  # 45015: over 48 h since the customer wrote; 45047: over the count
REFRESH_MARGIN_S = 300

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class WeChatApiError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def window_closed(self) -> bool:
        return self.errcode in WINDOW_CLOSED


class WeChatApi:
    def __init__(
        self, redis: Redis, http: httpx.AsyncClient, base_url: str, appid: str, secret: str
    ) -> None:
        self._redis = redis
        self._http = http
        self._base = base_url.rstrip("/")
        self._appid = appid
        self._secret = secret
        self._token_key = keys.wechat_token(appid)
        self._lock_key = keys.wechat_token_lock(appid)
        self._release = redis.register_script(_RELEASE)

    async def access_token(self, *, stale: str | None = None) -> str:
        """The cached token; fetch a new one if none is cached or the cached one is ``stale``."""
        for _ in range(100):
            cached = await self._redis.get(self._token_key)
            token = text_or_empty(cached)
            if token and token != stale:
                return token
            owner = secrets.token_hex(8)
            if await self._redis.set(self._lock_key, owner, nx=True, px=10_000):
                try:
                    cached = await self._redis.get(self._token_key)
                    token = text_or_empty(cached)
                    if token and token != stale:
                        return token
                    return await self._fetch_token()
                finally:
                    await self._release(keys=[self._lock_key], args=[owner])
            await asyncio.sleep(0.05)  # another process is refreshing
        raise WeChatApiError(-1, "timed out waiting for another process to refresh the token")

    async def _fetch_token(self) -> str:
        response = await self._http.get(
            f"{self._base}/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self._appid,
                "secret": self._secret,
            },
        )
        data = _json(response)
        token = data.get("access_token")
        if not token:
            raise WeChatApiError(int(data.get("errcode", -1)), str(data.get("errmsg", "")))
        ttl = max(60, int(data.get("expires_in", 7200)) - REFRESH_MARGIN_S)
        await self._redis.set(self._token_key, token, ex=ttl)
        log.info("wechat access token refreshed", ttl=ttl)
        return str(token)

    async def send_text(self, openid: str, content: str) -> None:
        """Send one customer-service text message; raises WeChatApiError."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        await self._post("/cgi-bin/message/custom/send", body)

    async def send_template(self, openid: str, template_id: str, data: dict[str, str]) -> None:
        """Send a template message (no 48-hour window; the shop's approved template); raises
        WeChatApiError. ``data``: field → value, sent as ``{"value": ...}``."""
        body = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        await self._post("/cgi-bin/message/template/send", body)

    async def _post(self, path: str, body: dict[str, Any]) -> None:
        token = await self.access_token()
        for attempt in range(2):
            response = await self._http.post(
                f"{self._base}{path}",
                params={"access_token": token},
                content=_dumps(body),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            data = _json(response)
            code = int(data.get("errcode", 0))
            if code == 0:
                return
            if code in TOKEN_INVALID and attempt == 0:
                token = await self.access_token(stale=token)
                continue
            raise WeChatApiError(code, str(data.get("errmsg", "")))


def _dumps(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body, ensure_ascii=False).encode()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise WeChatApiError(-1, f"HTTP {response.status_code}, not JSON") from None
    if not isinstance(data, dict):
        raise WeChatApiError(-1, "answer is not a JSON object")
    return data
