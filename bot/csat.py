"""The customer's answer to the closing satisfaction question (1–5 stars and a comment)."""

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
