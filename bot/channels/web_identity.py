"""Who is chatting on the web socket, and which conversation their ``hello`` opens.

Rules (README, "Known customers"):

- A valid signed identity (``kefu.identity``) makes the chat that shop customer's. Their
  conversation follows them across devices: a device without a conversation id, or with one
  that belongs to someone else, resumes the customer's current web conversation while it lives.
- An anonymous customer who signs in mid-chat keeps the conversation (it becomes theirs).
- A different signed customer on the same device, or an anonymous (or forged) one on a
  device whose conversation belongs to a signed customer, gets a new conversation: a shared
  computer never shows one customer's chat, and so never their orders, to another.
- A signed customer who starts afresh (nothing said yet in the conversation they get) is shown
  their last ended web conversation read-only, from the SQL archive (``archived``): on any
  device, after its Redis keys are long gone. Anonymous visitors are never shown an archive,
  and the look-up only ever uses the verified customer id. An archived conversation's id is
  never handed out again.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.conversation import Conversations, Owner
from handoff.customer_history import is_archived, last_archived
from kefu import redis_keys as keys
from kefu.identity import IdentityRefused, verify_identity
from kefu.logging import get_logger
from kefu.redis_client import as_text

log = get_logger(__name__)

WEB_ID = re.compile(r"^web-[A-Za-z0-9_-]{16,64}$")
CURRENT_TTL_S = 30 * 24 * 3600  # how long a customer's web conversation is found again


def new_web_id() -> str:
    return "web-" + secrets.token_urlsafe(18)


def is_anonymous(customer_id: str) -> bool:
    return not customer_id or bool(WEB_ID.match(customer_id))


@dataclass(frozen=True)
class WebVisitor:
    conversation_id: str
    customer_id: str
    name: str
    verified: bool
    refused: str  # why a presented identity was refused ("" when none was or it was valid)
    archived: dict[str, Any] | None = None  # their last ended conversation, read-only


async def _owner_of(conversations: Conversations, conv_id: str) -> str | None:
    """The customer of a live conversation; None when there is none (new or archived)."""
    state = await conversations.state(conv_id)
    if state.seq == 0:
        return None
    return state.customer_id


async def _last_archived(engine: AsyncEngine, customer_id: str) -> dict[str, Any] | None:
    """What the customer may read of their last ended web conversation; None on any failure
    (the chat never waits on the archive)."""
    try:
        found = await last_archived(engine, customer_id, "web")
    except Exception as exc:
        log.warning("archive look-up failed", error=repr(exc))
        return None
    if found is None:
        return None
    return {
        "conversation_id": found["conversation_id"],
        "ended_at": found["ended_at"],
        "transcript": [
            {"from": str(t.get("from") or "system"), "text": str(t.get("text") or "")}
            for t in found["transcript"]
            # what the customer, the bot and agents said; system lines (busy, "was it
            # solved? reply …") asked for answers that conversation can no longer take
            if t.get("text") and t.get("from") != "system"
        ],
    }


async def _archived_id(engine: AsyncEngine | None, conv_id: str) -> bool:
    if engine is None or not conv_id:
        return False
    try:
        return await is_archived(engine, conv_id)
    except Exception as exc:
        log.warning("archive look-up failed", error=repr(exc))
        return False


async def resolve_visitor(
    conversations: Conversations,
    redis: Redis,
    secret: str,
    frame: dict[str, Any],
    engine: AsyncEngine | None = None,
) -> WebVisitor:
    """The conversation and customer a ``hello`` frame opens."""
    asked = frame.get("conversation_id")
    conv_id = asked if isinstance(asked, str) and WEB_ID.match(asked) else ""
    refused = ""
    try:
        identity = verify_identity(secret, frame)
    except IdentityRefused as exc:
        identity = None
        if exc.reason != "missing":
            refused = exc.reason
            log.info("web identity refused", reason=exc.reason)

    if identity is None:  # anonymous
        customer_id = frame.get("customer_id")
        if not (isinstance(customer_id, str) and WEB_ID.match(customer_id)):
            customer_id = new_web_id()
        if conv_id:
            owner = await _owner_of(conversations, conv_id)
            if not is_anonymous(owner or ""):
                conv_id = ""  # a signed customer's conversation: not for an anonymous visitor
            elif owner is None and await _archived_id(engine, conv_id):
                conv_id = ""  # ended and archived, its keys expired: never used again
        return WebVisitor(conv_id or new_web_id(), customer_id, "", False, refused)

    me = identity.customer_id
    asked_empty = ""
    if conv_id:
        owner = await _owner_of(conversations, conv_id)
        if owner is None:  # nothing said there yet: the customer's own conversation wins
            asked_empty, conv_id = conv_id, ""
            if await _archived_id(engine, asked_empty):  # ended, its keys expired: not again
                asked_empty = ""
        elif not is_anonymous(owner) and owner != me:
            conv_id = ""  # another customer's conversation on this device
    if not conv_id:
        current = await redis.get(keys.customer_web_conversation(me))
        if current:
            candidate = as_text(current)
            state = await conversations.state(candidate)
            if state.seq and state.customer_id == me and state.owner is not Owner.CLOSED:
                conv_id = candidate
    conv_id = conv_id or asked_empty or new_web_id()
    await redis.set(keys.customer_web_conversation(me), conv_id, ex=CURRENT_TTL_S)
    archived = None
    if engine is not None and (await conversations.state(conv_id)).seq == 0:
        archived = await _last_archived(engine, me)
    return WebVisitor(conv_id, me, identity.name, True, "", archived)
