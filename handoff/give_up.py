"""A customer who gives up on the queue gets a ticket, not silence.

"Gave up" is one of three things, all while the conversation is ``queued``:

- ``said``: the customer writes that they will not wait ("不等了", "算了不用了", "I'll stop
  waiting"; ``said_give_up``). A queued customer's messages never reach Rasa (the gateway keeps
  them for the agent), so this is a small rule here, checked by the gateway's router in the
  queued state — like "已解决 / 未解决" after an idle close (``handoff.endings``);
- ``closed``: the customer ends the chat on purpose (the web chat's 结束排队 / Stop waiting
  button). A dropped socket or a closed tab is not that: the customer may come back;
- ``max_wait``: the customer waited longer than the group's maximum wait
  (``KEFU_MAX_WAIT_S``, per group), checked by every staff console's background worker.

``give_up`` moves the conversation ``queued → bot`` through the state machine (one atomic step
that also takes it off the queue and stops its SLA timer); only the process whose move succeeds
goes on, so two workers, a worker and the customer, or an agent accepting at the same moment
never yield two tickets or a ticket for a chat an agent took. The winner then makes the ticket
with the handoff packet (``handoff.handoff_tickets.ticket_for_handoff``: the conversation's open
ticket — a complaint has one already — or a new one typed by the packet's reason and group), adds
the customer's words to it, and tells the customer its number and due time in their language. The
conversation is the bot's again with the ticket open: what the customer writes next joins the
ticket's log (``QueueService.add_to_open_ticket``), and its facts say ``ticket``. From the move
until the customer is told, the give-up is listed as pending (``kefu.redis_keys
.gave_up_pending``): if that process dies in between, another staff console's worker finishes
it (``finish_pending``; the ticket is found or made once, the line is appended once).
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from handoff.conversation import Owner, TransitionRefused
from handoff.handoff_tickets import ticket_for_handoff
from handoff.ticket_log import add_to_ticket
from handoff.ticket_notify import opened_texts
from kefu import redis_keys as keys
from kefu.config import DEFAULT_WAIT_S
from kefu.errors import ApiError
from kefu.i18n import say, to_simplified
from kefu.logging import get_logger
from kefu.redis_client import as_text

if TYPE_CHECKING:
    from handoff.conversation import ConversationState
    from handoff.queue import QueueService
    from handoff.queue_config import QueueConfig

log = get_logger(__name__)

CAUSES = ("said", "closed", "max_wait")
# A give-up is a short line; a longer message that happens to contain "算了" is a question.
MAX_SAID_CHARS = 40
# Matched on the text made simplified and lower case (so traditional Chinese matches too).
_SAID_ZH = re.compile(
    r"不(想|要|用|再)?等了|等不(了|及)|不(想|要)?再?排(队)?了|(取消|退出|结束)排队"
    r"|(?<!打)算了(?![一下解])|不(用|需要)了"
)
_SAID_EN = re.compile(
    r"\bstop(ped)? waiting\b|\b(done|tired of) waiting\b|\bforget (it|about it)\b"
    r"|\bnever ?mind\b|\bgive up\b"
    r"|\b(won't|will not|not going to|no longer|don't want to|do not want to) wait\b"
    r"|\b(leave|quit|cancel) (the |my )?(queue|waiting)\b"
)
# ... unless the same line asks for a person ("算了 帮我叫个人来吧"): that is still waiting.
_WANTS_PERSON = re.compile(
    r"(?<!不)(叫|找|要|转|接)个?(人工|真人|客服|人来)"
    r"|\b(talk|speak|connect me|get me) (to |with )?(a |an )?(human|agent|person|someone)\b"
)
LEADS: dict[str, tuple[str, str]] = {
    "said": ("好的，已为您取消排队。", "OK, you have left the queue."),
    "closed": ("您已结束排队。", "You have left the queue."),
    "max_wait": (
        "非常抱歉让您久等了，{minutes} 分钟内没有客服能够接入。",
        "Sorry for the wait: no agent could take your chat within {minutes} minutes.",
    ),
}


def said_give_up(text: str) -> bool:
    """True when a queued customer's message says they will not wait any longer."""
    line = to_simplified(text).strip().lower().replace("\u2019", "'")
    if not line or len(line) > MAX_SAID_CHARS:
        return False
    if _WANTS_PERSON.search(line):
        return False
    return bool(_SAID_ZH.search(line) or _SAID_EN.search(line))


def max_wait(config: QueueConfig, group: str) -> float:
    """The group's maximum wait in seconds (0: no limit)."""
    return float(config.max_wait_s.get(group, DEFAULT_WAIT_S))


async def give_up(
    queue: QueueService,
    conversation_id: str,
    cause: str,
    *,
    text: str = "",
    expect_group: str = "",
) -> dict[str, Any] | None:
    """The customer gave up on the queue: → ``{"ticket", "text", "seq", "lang"}``, or None when
    the conversation is not (or no longer) queued — an agent took it, or another give-up of
    the same wait came first."""
    if cause not in CAUSES:
        raise ValueError(f"cause must be one of {', '.join(CAUSES)}")
    conversations = queue.conversations
    state = await conversations.state(conversation_id)
    if state.owner is not Owner.QUEUED:
        return None
    queued_at = float(state.extra.get("queued_at") or 0)
    waited = round(max(0.0, time.time() - queued_at), 1) if queued_at else None
    try:
        moved = await conversations.move(
            conversation_id,
            {Owner.QUEUED},
            Owner.BOT,
            "left_queue",
            {"cause": cause, "skill_group": state.group, "waited_s": waited},
            expect_group=expect_group,
        )
    except TransitionRefused:
        return None
    # Until the customer is told, the give-up is pending: should this process die before,
    # another staff console finishes it (``finish_pending``).
    member = f"{conversation_id}|{moved.seq}"
    await queue.redis.zadd(keys.gave_up_pending(), {member: time.time()})
    result = await _finish(queue, conversation_id, moved.seq, cause, text)
    await queue.redis.zrem(keys.gave_up_pending(), member)
    return result


async def _finish(
    queue: QueueService, conversation_id: str, left_seq: int, cause: str, text: str = ""
) -> dict[str, Any] | None:
    """The ticket and the customer's line for the give-up whose ``left_queue`` event is
    ``left_seq``; idempotent (the line is appended once per give-up, the ticket is the
    conversation's open one once made). None when it was done already."""
    conversations = queue.conversations
    told = f"left-queue-{left_seq}"
    if await queue.redis.exists(keys.conv_dedupe(conversation_id, told)):
        return None
    state = await conversations.state(conversation_id)
    packet = _packet(state, await queue.packet(conversation_id))
    ticket = await ticket_for_handoff(
        queue.engine, conversations, packet, timezone=queue.config.timezone
    )
    if text.strip():
        try:
            await add_to_ticket(queue.engine, int(ticket["id"]), text.strip()[:4000])
        except ApiError as exc:  # closed meanwhile: the words stay in the conversation
            log.warning("give-up words not added", ticket_id=ticket["id"], error=exc.code)
    lang = state.extra.get("lang") or str(packet["customer"].get("language") or "zh")
    lead_zh, lead_en = LEADS.get(cause, LEADS["said"])
    minutes = max(1, round(max_wait(queue.config, state.group) / 60))
    opened_zh, opened_en = opened_texts(int(ticket["id"]), str(ticket["due_at"]))
    said = say(
        lang,
        lead_zh.format(minutes=minutes) + opened_zh,
        lead_en.format(minutes=minutes) + " " + opened_en,
    )
    seq, created = await conversations.append_if(
        conversation_id,
        "message",
        {"from": "system", "text": said, "reason": "left_queue", "ticket_id": ticket["id"]},
        dedupe=told,
    )
    if not created:
        return None
    return {"ticket": ticket, "text": said, "seq": seq, "lang": lang}


async def finish_pending(queue: QueueService, older_than_s: float = 60.0) -> int:
    """Finish the give-ups whose process died between leaving the queue and telling the
    customer (run by every staff console's worker); → how many this process finished."""
    pending = keys.gave_up_pending()
    done = 0
    stale = await queue.redis.zrangebyscore(
        pending, "-inf", time.time() - older_than_s, start=0, num=100
    )
    for raw in stale:
        member = as_text(raw)
        conversation_id, _, seq = member.rpartition("|")
        events = await queue.conversations.events(conversation_id, int(seq) - 1, limit=1)
        if events and events[0].type == "left_queue":
            cause = str(events[0].data.get("cause") or "said")
            if await _finish(queue, conversation_id, int(seq), cause) is not None:
                done += 1
        await queue.redis.zrem(pending, member)
    return done


async def expire_waits(queue: QueueService, now: float | None = None, limit: int = 200) -> int:
    """Give up, for them, the conversations that waited past their group's maximum wait;
    → how many this process did (another process may have done the rest)."""
    now = time.time() if now is None else now
    done = 0
    for group in queue.config.skill_groups:
        wait = max_wait(queue.config, group)
        if wait <= 0:
            continue
        # A queue's score is the queued time minus a priority bonus, never later than it:
        # only members scored before now − wait can have waited that long.
        members = await queue.redis.zrangebyscore(
            keys.queue(group), "-inf", now - wait, start=0, num=limit
        )
        for raw in members:
            conv_id = as_text(raw)
            state = await queue.conversations.state(conv_id)
            queued_at = float(state.extra.get("queued_at") or 0)
            if state.owner is not Owner.QUEUED or state.group != group or not queued_at:
                continue
            if now - queued_at < wait:
                continue
            if await give_up(queue, conv_id, "max_wait", expect_group=group) is not None:
                done += 1
    return done


def _packet(state: ConversationState, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The handoff packet for the ticket, in the group the conversation waited in (a transfer
    may have moved it); a minimal one when none was stored."""
    packet = dict(stored or {})
    packet.setdefault("conversation_id", state.conversation_id)
    packet.setdefault("channel", state.channel)
    packet.setdefault("reason", "explicit_request")
    customer = packet.get("customer")
    if not isinstance(customer, dict):
        customer = {"id": state.customer_id, "language": state.extra.get("lang") or "zh"}
    packet["customer"] = customer
    if state.group:
        packet["skill_group"] = state.group
    return packet
