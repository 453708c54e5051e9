"""Talks to the Rasa server's kefu webhook (sender = conversation id, the internal token)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or answered with an error)."""


@dataclass(frozen=True)
class BotReply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": "bot", "text": self.text, "buttons": self.buttons}
        if self.custom:
            out["custom"] = self.custom
        return out


def rasa_http_client(
    max_in_flight: int, timeout_s: float, servers: int = 1
) -> aiohttp.ClientSession:
    """The HTTP session for Rasa turns, whose pool keeps the connections RasaClient uses open
    (and two more). aiohttp rather than httpx on this path: a bot turn's request costs several
    times less CPU (py-spy, bench/gateway_ws.py), and the gateway makes one per customer
    message. Create it inside the running event loop."""
    size = max_in_flight * servers + 2
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_s),
        connector=aiohttp.TCPConnector(limit=size, keepalive_timeout=30),
        json_serialize=lambda obj: json.dumps(obj, ensure_ascii=False),
    )


WEBHOOK = "/webhooks/kefu/webhook"  # rasa_addons.channel.KefuInput


class RasaClient:
    """Sends a customer's message to Rasa's REST webhook and returns the bot's replies.

    ``base_urls``: one Rasa server or several; each turn goes to the server with the fewest turns
    in flight (first listed on a tie). At most ``max_in_flight`` turns per server at once; the
    others wait here, first come first served — waiting inside httpx's pool instead costs CPU
    per waiter on every request. The whole turn, waiting included, is bounded by ``timeout_s``.
    """

    def __init__(
        self,
        base_urls: str | list[str],
        client: aiohttp.ClientSession,
        max_in_flight: int = 16,
        timeout_s: float = 10.0,
        token: str = "",
    ) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("RasaClient needs at least one Rasa URL")
        self._bases = [u.rstrip("/") for u in urls]
        self._client = client
        self._in_flight = [0] * len(self._bases)
        self._slots = asyncio.Semaphore(max_in_flight * len(self._bases))
        self._timeout_s = timeout_s
        # rasa_addons.channel.KefuInput answers only with the internal token
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def in_flight(self) -> list[int]:
        return list(self._in_flight)

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotReply]:
        body = {"sender": sender, "message": text, "metadata": metadata}
        try:
            async with asyncio.timeout(self._timeout_s), self._slots:
                status, raw = await self._post(body)
        except TimeoutError as exc:
            raise RasaUnavailable(f"no reply within {self._timeout_s:g} s") from exc
        except aiohttp.ClientError as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if status != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {status}")
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with something that is not JSON") from exc
        if not isinstance(payload, list):
            raise RasaUnavailable("Rasa answered with JSON that is not a list of replies")
        return [reply for item in payload if (reply := _reply(item)) is not None]

    async def _post(self, body: dict[str, Any]) -> tuple[int, bytes]:
        """To the least busy server; a server that refuses the connection (down, restarting)
        passes the turn to the next. Nothing is retried once a server may have read it."""
        order = sorted(range(len(self._bases)), key=self._in_flight.__getitem__)
        for n, i in enumerate(order):
            self._in_flight[i] += 1
            try:
                async with self._client.post(
                    f"{self._bases[i]}{WEBHOOK}", json=body, headers=self._headers
                ) as response:
                    return response.status, await response.read()
            except aiohttp.ClientConnectorError:
                if n == len(order) - 1:
                    raise
            finally:
                self._in_flight[i] -= 1
        raise AssertionError("unreachable")  # the loop returns or raises


def _reply(item: Any) -> BotReply | None:
    if not isinstance(item, dict):
        return None
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in item.get("buttons") or []
        if isinstance(b, dict)
    ]
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
    text = item.get("text")
    if not text and not buttons and not custom:
        return None
    return BotReply(text=str(text or ""), buttons=buttons, custom=custom)
