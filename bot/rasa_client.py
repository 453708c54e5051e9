"""Talks to the Rasa server's REST webhook (sender = conversation id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


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


class RasaClient:
    def __init__(self, base_url: str, client: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._client = client

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[BotReply]:
        try:
            response = await self._client.post(
                f"{self._base}/webhooks/rest/webhook",
                json={"sender": sender, "message": text, "metadata": metadata},
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code != httpx.codes.OK:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with something that is not JSON") from exc
        return [reply for item in payload if (reply := _reply(item)) is not None]

    async def ping(self) -> str:
        response = await self._client.get(f"{self._base}/", timeout=2.0)
        response.raise_for_status()
        return response.text.strip()


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
