"""Where a customer's message goes, by the conversation's owner.

One entry point for every channel: ``Router.handle(IncomingMessage)`` appends the message to
the conversation, and if the bot owns it, asks Rasa and records the replies. Channels only
translate their protocol to and from these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.rasa_client import BotReply, RasaClient, RasaUnavailable
from handoff.conversation import Conversations, Owner, TransitionRefused
from kefu.i18n import Lang, detect_lang, pick
from kefu.logging import get_logger

log = get_logger(__name__)

BUSY_ZH = "系统繁忙，请您稍后再试～您的消息我们已经收到并记录了，给您带来不便非常抱歉！"
BUSY_EN = (
    "Sorry, our system is busy right now. We have received your message — "
    "please try again in a moment."
)
BUSY_HANT = "系統繁忙，請您稍後再試～您的消息我們已經收到並記錄了，給您帶來不便非常抱歉！"
WAITING_ZH = "已为您转接人工客服，请稍候～客服接入后会第一时间回复您。"
WAITING_EN = "You are in the queue for a human agent; they will reply as soon as they join."
WAITING_HANT = "已為您轉接人工客服，請稍候～客服接入後會第一時間回覆您。"


@dataclass(frozen=True)
class IncomingMessage:
    conversation_id: str
    text: str
    channel: str
    customer_id: str
    lang: Lang | None = None
    extra_metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    conversation_id: str
    owner: Owner
    replies: list[dict[str, Any]]
    lang: Lang
    seq: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "owner": str(self.owner),
            "replies": self.replies,
            "queue": None,
        }


class Router:
    def __init__(self, conversations: Conversations, rasa: RasaClient) -> None:
        self._conversations = conversations
        self._rasa = rasa

    async def handle(self, message: IncomingMessage) -> Outcome:
        lang: Lang = message.lang or detect_lang(message.text)
        conv_id = message.conversation_id
        state = await self._conversations.state(conv_id)
        if state.owner is Owner.CLOSED:
            # A customer who writes after the chat closed starts over with the bot.
            try:
                await self._conversations.transition(
                    conv_id, {Owner.CLOSED}, Owner.BOT, "reopened", {"by": "customer"}
                )
            except TransitionRefused:
                pass  # someone else reopened it a moment ago; routing below re-reads
        seq = await self._conversations.append(
            conv_id,
            "message",
            {"from": "customer", "text": message.text, "lang": lang},
            channel=message.channel,
            customer_id=message.customer_id,
            lang=lang,
        )
        owner = (await self._conversations.state(conv_id)).owner
        if owner is not Owner.BOT:
            replies: list[dict[str, Any]] = []
            if owner is Owner.QUEUED:
                replies.append(
                    {"from": "system", "text": pick(lang, WAITING_ZH, WAITING_EN, WAITING_HANT),
                     "buttons": []}
                )
            return Outcome(conv_id, owner, replies, lang, seq)

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
            text = pick(lang, BUSY_ZH, BUSY_EN, BUSY_HANT)
            seq = await self._conversations.append(
                conv_id, "message", {"from": "system", "text": text, "reason": "bot_unavailable"}
            )
            reply = {"from": "system", "text": text, "buttons": []}
            return Outcome(conv_id, Owner.BOT, [reply], lang, seq)

        # The bot may have handed off during this turn; its words still reach the customer.
        for reply in bot_replies:
            seq = await self._conversations.append(conv_id, "message", _bot_event(reply))
        owner = (await self._conversations.state(conv_id)).owner
        return Outcome(conv_id, owner, [r.as_dict() for r in bot_replies], lang, seq)


def _bot_event(reply: BotReply) -> dict[str, Any]:
    event: dict[str, Any] = {"from": "bot", "text": reply.text}
    if reply.buttons:
        event["buttons"] = reply.buttons
    return event
