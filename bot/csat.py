"""The end of a chat as the customer sees it: the answer to the closing satisfaction question
(1–5 stars and a comment), leaving a message when no agent came in time, and ending the wait
on purpose (a ticket, ``handoff.give_up``).

A rating is accepted once per conversation and only after it ended (its owner is ``closed``):
stored as a ``csat`` event and on the conversation's facts row in SQL (``handoff.facts``),
which also holds the agent and the group."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ConfigDict, Field

from handoff.archive import Archiver
from handoff.conversation import Conversations, Owner, TransitionRefused
from handoff.facts import rate, rated
from kefu.bodies import BodyModel
from kefu.errors import ApiError
from kefu.logging import get_logger

MAX_COMMENT_CHARS = 1000

log = get_logger(__name__)


class CsatRefused(Exception):
    """A well-formed rating that cannot be taken: ``not_ended`` or ``already_rated``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CsatAnswer(BodyModel):
    """A rating as the REST channel's body and the web socket's ``csat`` frame send it (a wrong
    one is 400 / an error frame ``invalid_csat``). Fields an integration adds are ignored."""

    model_config = ConfigDict(extra="ignore", strict=True, hide_input_in_errors=True)
    error_codes: ClassVar[dict[str, str]] = {"score": "invalid_csat", "comment": "invalid_csat"}

    score: int = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    comment: str | None = Field(
        default=None,
        max_length=MAX_COMMENT_CHARS,
        description=f"optional, at most {MAX_COMMENT_CHARS} characters",
    )


async def record_csat(
    conversations: Conversations,
    archiver: Archiver,
    conversation_id: str,
    answer: CsatAnswer,
    channel: str,
) -> int:
    """Store the rating (a ``csat`` event, then the facts row); returns the event's seq.
    Raises CsatRefused before the end or for a second one."""
    score, comment = answer.score, (answer.comment or "").strip()
    if await rated(archiver.engine, conversation_id):
        raise CsatRefused("already_rated", "this conversation has been rated already")
    try:
        seq, created = await conversations.append_if(
            conversation_id,
            "csat",
            {"score": score, "comment": comment, "channel": channel},
            owner=Owner.CLOSED,
            dedupe="csat",
        )
    except TransitionRefused as refused:
        raise CsatRefused(
            "not_ended", f"the conversation has not ended (it is {refused.current})"
        ) from None
    if not created:
        raise CsatRefused("already_rated", "this conversation has been rated already")
    if not await rate(archiver.engine, conversation_id, score, comment):
        # No facts row yet: archiving writes it, rating included (it is in the log now).
        await archiver.archive(conversation_id)
        await rate(archiver.engine, conversation_id, score, comment)
    return seq


async def leave_message(
    queue: Any, conversation_id: str, customer_id: str, text: str
) -> tuple[bool, str, str]:
    """Through handoff's QueueService: (True, ticket id, "") or (False, why not, error code)."""
    if queue is None:
        return False, "leaving a message is not available right now", "leave_message_failed"
    try:
        ticket = await queue.leave_message(conversation_id, customer_id, text)
    except ApiError as exc:  # a refusal meant for the client
        return False, exc.message, exc.code
    except Exception as exc:  # the database or Redis failing: internals stay in the log
        log.warning("leave message failed", conversation_id=conversation_id, error=repr(exc))
        return False, "could not leave the message, try again", "leave_message_failed"
    return True, str(ticket.get("id", "")) if isinstance(ticket, dict) else "", ""


class WaitRefused(Exception):
    """Ending the wait was refused: ``not_waiting`` (the conversation is not queued, any more)
    or ``stop_waiting_failed``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


async def stop_waiting(queue: Any, conversation_id: str) -> dict[str, Any]:
    """The customer ended the wait on purpose (the web chat's 结束排队 button, the REST
    channel's ``stop-waiting``): through handoff's QueueService, a ticket and back to the bot.
    → ``handoff.give_up``'s result ``{"ticket", "text", "seq", "lang"}``; raises WaitRefused
    (``not_waiting`` when the conversation is not queued, any more)."""
    if queue is None:
        raise WaitRefused("stop_waiting_failed", "ending the wait is not available right now")
    try:
        result = await queue.give_up(conversation_id, "closed")
    except ApiError as exc:  # a refusal meant for the client
        raise WaitRefused(exc.code, exc.message) from None
    except Exception as exc:
        # Anything else (the database or Redis failing) stays in the log: its code and text
        # (an SQLAlchemy error's, say) are internals, not an answer.
        log.warning("stop waiting failed", conversation_id=conversation_id, error=repr(exc))
        raise WaitRefused("stop_waiting_failed", "could not end the wait, try again") from None
    if result is None:
        raise WaitRefused("not_waiting", "the conversation is not waiting for an agent")
    return dict(result)
