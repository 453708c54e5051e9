"""The typing indicator of one customer WebSocket (``bot.channels.web``): the agent's typing
signals of the socket's conversation are forwarded to the customer, and the customer's reach the
agent who owns the chat — never the bot. Typing never enters the event log; it travels over
``handoff.typing_relay`` (Redis pub/sub), throttled per connection."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from handoff.conversation import Conversations, Owner
from handoff.typing_relay import QUEUE_SIZE, Typing, TypingHub, TypingThrottle
from kefu.logging import get_logger

__all__ = ["CustomerTyping"]

log = get_logger(__name__)


class CustomerTyping:
    def __init__(
        self,
        hub: TypingHub,
        conversations: Conversations,
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        self.hub = hub
        self.conversations = conversations
        self.send = send
        self.inbox: asyncio.Queue[Typing] = asyncio.Queue(QUEUE_SIZE)
        self.conv = ""  # the conversation whose typing signals this socket receives
        self.task: asyncio.Task[None] | None = None
        self.throttle = TypingThrottle()

    async def follow(self, conv_id: str) -> None:
        """Receive the agent's typing signals of ``conv_id`` (the socket's conversation)."""
        if self.conv == conv_id:
            return
        await self.unfollow()
        try:
            await self.hub.listen(conv_id, self.inbox)
        except Exception as exc:  # no typing indicator is no reason to refuse the chat
            log.warning("typing relay unavailable", conversation_id=conv_id, error=repr(exc))
            return
        self.conv = conv_id
        if self.task is None:
            self.task = asyncio.create_task(self._forward())

    async def unfollow(self) -> None:
        if self.conv:
            conv, self.conv = self.conv, ""
            with contextlib.suppress(Exception):
                await self.hub.unlisten(conv, self.inbox)

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
        await self.unfollow()

    async def _forward(self) -> None:
        while True:
            signal = await self.inbox.get()
            if signal.side == "agent" and signal.conversation_id == self.conv:
                await self.send({"type": "typing", "on": signal.on, "from": "agent"})

    async def customer(self, conv: str, on: bool) -> None:
        """Relay the customer's typing to the agent who owns the chat; never to the bot."""
        try:
            if on:
                if not self.throttle.start(conv):
                    return
                if (await self.conversations.state(conv)).owner is not Owner.AGENT:
                    return
                await self.hub.publish(conv, "customer", True)
                self.throttle.published(conv)
            elif self.throttle.stop(conv):
                await self.hub.publish(conv, "customer", False)
        except Exception as exc:  # typing is best effort
            log.warning("typing relay failed", conversation_id=conv, error=repr(exc))
