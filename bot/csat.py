"""The end of a chat as the customer sees it: the answer to the closing satisfaction question
(1–5 stars and a comment), and leaving a message when no agent came in time."""

from __future__ import annotations

from typing import Any

from handoff.conversation import Conversations

MAX_COMMENT_CHARS = 1000


class BadCsat(ValueError):
    pass


def check_csat(score: Any, comment: Any) -> tuple[int, str]:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise BadCsat("score must be an integer from 1 to 5")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise BadCsat("comment must be a string")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise BadCsat(f"comment is over {MAX_COMMENT_CHARS} characters")
    return score, comment


async def record_csat(
    conversations: Conversations, conversation_id: str, score: Any, comment: Any, channel: str
) -> int:
    """Store the answer as a ``csat`` event; returns its sequence number."""
    score, comment = check_csat(score, comment)
    return await conversations.append(
        conversation_id, "csat", {"score": score, "comment": comment, "channel": channel}
    )


async def leave_message(
    queue: Any, conversation_id: str, customer_id: str, text: str
) -> tuple[bool, str]:
    """Through handoff's QueueService: (True, ticket id) or (False, why not)."""
    if queue is None:
        return False, "leaving a message is not available right now"
    try:
        ticket = await queue.leave_message(conversation_id, customer_id, text)
    except Exception as exc:
        message = getattr(exc, "message", None) or "could not leave the message"
        return False, str(message)
    return True, str(ticket.get("id", "")) if isinstance(ticket, dict) else ""
