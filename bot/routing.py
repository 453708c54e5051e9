"""Where a customer's message goes, by the conversation's owner.

One entry point for every channel: ``Router.handle(IncomingMessage)`` appends the message to
the conversation, and if the bot owns it, asks Rasa and records the replies. Channels only
translate their protocol to and from these types.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot import texts
from bot.rasa_client import BotReply, RasaClient, RasaUnavailable
from handoff.conversation import Conversations, Owner, TransitionRefused
from kefu.i18n import Lang, detect_lang
from kefu.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class IncomingMessage:
    conversation_id: str
    text: str
    channel: str
    customer_id: str
    lang: Lang | None = None
    extra_metadata: dict[str, Any] = field(default_factory=dict)
    # "text", or what a channel received that the bot cannot read ("image", "location"): kept
    # in the conversation for an agent, answered politely while the bot owns the conversation.
    kind: str = "text"
    attachment: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    conversation_id: str
    owner: Owner
    replies: list[dict[str, Any]]
    lang: Lang
    seq: int
    queue: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "owner": str(self.owner),
            "replies": self.replies,
            "queue": self.queue,
        }


class QueueInfo(Protocol):
    """The part of ``handoff.QueueService`` the router uses."""

    async def queue_info(self, conversation_id: str) -> dict[str, Any] | None: ...


class Router:
    def __init__(
        self, conversations: Conversations, rasa: RasaClient, queue: QueueInfo | None = None
    ) -> None:
        self._conversations = conversations
        self._rasa = rasa
        self._queue = queue

    async def queue_info(self, conversation_id: str) -> dict[str, Any] | None:
        """``{"position", "eta_seconds"}`` while queued; None if unknown or no queue service."""
        if self._queue is None:
            return None
        try:
            info = await self._queue.queue_info(conversation_id)
        except Exception as exc:
            log.warning("queue info unavailable", conversation_id=conversation_id, error=str(exc))
            return None
        if not info or info.get("position") is None:
            return None
        return {"position": int(info["position"]), "eta_seconds": info.get("eta_seconds")}

    async def handle(
        self,
        message: IncomingMessage,
        on_stored: Callable[[int], Awaitable[None]] | None = None,
    ) -> Outcome:
        """Store the customer's message, then route it by owner. ``on_stored(seq)`` runs the
        moment the message is stored (a channel acknowledges it then, never before)."""
        lang: Lang = message.lang or detect_lang(message.text)
        conv_id = message.conversation_id
        state = await self._conversations.state(conv_id)
        if state.owner is Owner.CLOSED:
            # A customer who writes after the chat closed starts over with the bot.
            # If someone else reopened it a moment ago, routing below re-reads the owner.
            with contextlib.suppress(TransitionRefused):
                await self._conversations.transition(
                    conv_id, {Owner.CLOSED}, Owner.BOT, "reopened", {"by": "customer"}
                )
        event: dict[str, Any] = {"from": "customer", "text": message.text, "lang": lang}
        if message.kind != "text":
            event["kind"] = message.kind
        if message.attachment:
            event["attachment"] = dict(message.attachment)
        seq = await self._conversations.append(
            conv_id,
            "message",
            event,
            channel=message.channel,
            customer_id=message.customer_id,
            lang=lang,
        )
        if on_stored is not None:
            await on_stored(seq)
        owner = (await self._conversations.state(conv_id)).owner
        if owner is not Owner.BOT:
            replies: list[dict[str, Any]] = []
            queue = None
            if owner is Owner.QUEUED:
                queue = await self.queue_info(conv_id)
                text = texts.say(lang, texts.WAITING)
                if queue:
                    text += " " + texts.queue_text(lang, queue["position"], queue["eta_seconds"])
                replies.append({"from": "system", "text": text, "buttons": []})
            return Outcome(conv_id, owner, replies, lang, seq, queue)

        if message.kind != "text":
            # The bot reads text only; say so politely rather than feed Rasa a placeholder.
            if message.kind == "image":
                text = texts.say(lang, texts.IMAGE_RECEIVED)
            elif message.kind == "location":
                label = message.attachment.get("label") or message.text
                text = texts.say(lang, texts.LOCATION_RECEIVED, label=label)
            else:
                text = texts.say(lang, texts.UNSUPPORTED)
            seq = await self._conversations.append(
                conv_id, "message", {"from": "system", "text": text}
            )
            return Outcome(
                conv_id, Owner.BOT, [{"from": "system", "text": text, "buttons": []}], lang, seq
            )

        metadata = {
            "channel": message.channel,
            "customer_id": message.customer_id,
            "lang": lang,
            **message.extra_metadata,
        }
        try:
            bot_replies = await self._rasa.send(conv_id, message.text, metadata)
        except RasaUnavailable as exc:
            log.warning("rasa unavailable", conversation_id=conv_id, error=str(exc))
            text = texts.say(lang, texts.BUSY)
            seq = await self._conversations.append(
                conv_id, "message", {"from": "system", "text": text, "reason": "bot_unavailable"}
            )
            busy = {"from": "system", "text": text, "buttons": []}
            return Outcome(conv_id, Owner.BOT, [busy], lang, seq)

        # The bot may have handed off during this turn; its words still reach the customer.
        for reply in bot_replies:
            seq = await self._conversations.append(conv_id, "message", _bot_event(reply))
        owner = (await self._conversations.state(conv_id)).owner
        queue = await self.queue_info(conv_id) if owner is Owner.QUEUED else None
        return Outcome(conv_id, owner, [r.as_dict() for r in bot_replies], lang, seq, queue)


def _bot_event(reply: BotReply) -> dict[str, Any]:
    event: dict[str, Any] = {"from": "bot", "text": reply.text}
    if reply.buttons:
        event["buttons"] = reply.buttons
    return event
