"""Where a customer's message goes, by the conversation's owner.

One entry point for every channel: ``Router.handle(IncomingMessage)`` appends the message to
the conversation, and if the bot owns it, asks Rasa and records the replies. Channels only
translate their protocol to and from these types.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot import texts
from bot.rasa_client import BotReply, RasaClient, RasaUnavailable
from bot.taps import tapped_title
from handoff.conversation import Conversations, Owner, TransitionRefused
from handoff.endings import Endings, solved_answer
from handoff.give_up import said_give_up
from handoff.outage import Outage
from kefu.i18n import Lang, detect_lang, normalise_lang
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
    # the product page the customer came from (web; checked by ``handoff.product``): stored
    # with the conversation, for the handoff packet (``handoff.packet.with_stored_product``)
    product: dict[str, str] | None = None


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

    async def add_to_open_ticket(self, conversation_id: str, text: str) -> int | None: ...

    async def give_up(
        self, conversation_id: str, cause: str, text: str = ""
    ) -> dict[str, Any] | None: ...


class Router:
    def __init__(
        self,
        conversations: Conversations,
        rasa: RasaClient,
        queue: QueueInfo | None = None,
        outage: Outage | None = None,
        endings: Endings | None = None,
    ) -> None:
        self._conversations = conversations
        self._rasa = rasa
        self._queue = queue
        self._outage = outage
        self._endings = endings

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

    async def _note_for_ticket(self, conversation_id: str, text: str) -> None:
        """While the conversation has an open ticket, the customer's lines join its log (the
        bot still answers them as usual)."""
        if self._queue is None:
            return
        try:
            await self._queue.add_to_open_ticket(conversation_id, text)
        except Exception as exc:  # the chat goes on; the line stays in the conversation
            log.warning("ticket note failed", conversation_id=conversation_id, error=str(exc))

    async def _give_up(self, conversation_id: str, text: str) -> dict[str, Any] | None:
        """A queued customer said they will not wait (``handoff.give_up``): the ticket and what
        they are told, or None (an agent took the chat meanwhile, or the queue service is
        unavailable: the message then waits for the agent as usual)."""
        if self._queue is None:
            return None
        try:
            return await self._queue.give_up(conversation_id, "said", text)
        except Exception as exc:
            log.warning("give-up failed", conversation_id=conversation_id, error=repr(exc))
            return None

    async def handle(
        self,
        message: IncomingMessage,
        on_stored: Callable[[int], Awaitable[None]] | None = None,
    ) -> Outcome:
        """Store the customer's message, then route it by owner. ``on_stored(seq)`` runs the
        moment the message is stored (a channel acknowledges it then, never before)."""
        conv_id = message.conversation_id
        state = await self._conversations.state(conv_id)
        # A tapped button (``bot.taps``): the payload goes to the bot, people read the title.
        title = (
            await tapped_title(self._conversations, conv_id, message.text)
            if message.kind == "text"
            else None
        )
        shown = title or message.text
        lang: Lang = message.lang or _message_lang(message, state.extra.get("lang"), title)
        if state.owner is Owner.CLOSED and state.extra.get("ask_solved"):
            answered = await self._answer_solved(message, lang, on_stored)
            if answered is not None:
                return answered
        if state.owner is Owner.CLOSED:
            # A customer who writes after the chat closed starts over with the bot.
            # If someone else reopened it a moment ago, routing below re-reads the owner.
            with contextlib.suppress(TransitionRefused):
                await self._conversations.transition(
                    conv_id, {Owner.CLOSED}, Owner.BOT, "reopened", {"by": "customer"}
                )
        event: dict[str, Any] = {"from": "customer", "text": shown, "lang": lang}
        if shown != message.text:
            event["payload"] = message.text  # what the bot read; never shown to a person
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
            **(
                {"product": json.dumps(message.product, ensure_ascii=False)}
                if message.product
                else {}
            ),
        )
        if on_stored is not None:
            await on_stored(seq)
        owner = (await self._conversations.state(conv_id)).owner
        if owner is Owner.QUEUED and message.kind == "text" and said_give_up(message.text):
            gave_up = await self._give_up(conv_id, message.text)
            if gave_up is not None:
                told = {"from": "system", "text": gave_up["text"], "buttons": []}
                return Outcome(conv_id, Owner.BOT, [told], lang, int(gave_up["seq"]))
            owner = (await self._conversations.state(conv_id)).owner
        script = await self._outage.answer(conv_id, lang) if self._outage else None
        if script is not None:  # outage mode: the script, not the bot (handoff.outage)
            seq = await self._conversations.append(
                conv_id, "message", {"from": "system", "text": script, "reason": "outage"}
            )
            queue = await self.queue_info(conv_id) if owner is Owner.QUEUED else None
            said: dict[str, Any] = {"from": "system", "text": script, "buttons": []}
            return Outcome(conv_id, owner, [said], lang, seq, queue)
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

        await self._note_for_ticket(conv_id, shown)
        if self._endings is not None:
            await self._endings.touch(conv_id)
        metadata = {
            "channel": message.channel,
            "customer_id": message.customer_id,
            "lang": lang,
            **message.extra_metadata,
            # the tapped button's title: the action server's transcripts show it, not the payload
            **({"button_title": shown} if shown != message.text else {}),
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

    async def _answer_solved(
        self,
        message: IncomingMessage,
        lang: Lang,
        on_stored: Callable[[int], Awaitable[None]] | None,
    ) -> Outcome | None:
        """已解决 / 未解决 after an idle close: recorded once, answered without reopening."""
        solved = solved_answer(message.text) if message.kind == "text" else None
        if solved is None or self._endings is None:
            return None
        conv_id = message.conversation_id
        reply = await self._endings.answer_solved(conv_id, solved, lang)
        if reply is None:
            return None
        seq = await self._conversations.append(
            conv_id, "message", {"from": "customer", "text": message.text, "lang": lang}
        )
        if on_stored is not None:
            await on_stored(seq)
        seq = await self._conversations.append(conv_id, "message", dict(reply))
        return Outcome(conv_id, Owner.CLOSED, [reply], lang, seq)


def _message_lang(message: IncomingMessage, stored: str | None, title: str | None) -> Lang:
    """The language a message is in. A tapped button's payload (``/faq_pick{…}``) is not the
    customer's writing: its title, else the conversation's language so far, decides."""
    if not message.text.startswith("/"):
        return detect_lang(message.text)
    return (
        (detect_lang(title) if title else None)
        or normalise_lang(stored)
        or detect_lang(message.text)
    )


def _bot_event(reply: BotReply) -> dict[str, Any]:
    event: dict[str, Any] = {"from": "bot", "text": reply.text}
    if reply.buttons:
        event["buttons"] = reply.buttons
    return event
