"""Every conversation ends: a bot-owned conversation idle for ``idle_close_s`` is closed, asked
once whether its question was solved (已解决 / 未解决) and for a rating, and archived like an
agent's chat; the customer's answers after the end are recorded once.

The staff console's background worker runs ``close_idle``: the staff console already owns the
other ends of conversations (an agent's close, archiving, the archive retries), and the close
is a state-machine move, so several staff processes may run it at once — the move from ``bot``
to ``closed`` succeeds in exactly one of them, the others are refused and go on.

The gateway calls ``touch`` on each customer message of a bot-owned conversation (the last
activity, in ``kefu.redis_keys.idle_bucket``). A customer who writes at the very moment of the
close is not lost: the message reopens the conversation (closed → bot) like any later one."""

from __future__ import annotations

import re
import time
from typing import Any

from handoff.archive import Archiver
from handoff.conversation import Conversations, Owner, TransitionRefused
from handoff.facts import SOLVED, UNSOLVED, set_resolution
from kefu import redis_keys as keys
from kefu.i18n import say
from kefu.redis_client import as_text

SOLVED_QUESTION = (
    "本次对话因长时间未回复已结束。请问您的问题解决了吗？请回复“已解决”或“未解决”。",
    "This chat has ended after a while without messages. Was your question solved? Reply "
    '"solved" or "not solved".',
)
SOLVED_BUTTONS = (("已解决", "solved"), ("未解决", "not solved"))
SOLVED_THANKS = (
    "感谢您的反馈，祝您生活愉快！",
    "Thank you for letting us know. Have a nice day!",
)
UNSOLVED_OFFER = (
    "很抱歉没能帮您解决。回复“转人工”联系人工客服（没有客服在线时会为您登记工单，并告诉您工单号和"
    "处理时间），或直接告诉我您的问题。",
    'Sorry we could not solve it. Reply "human" to reach an agent (if nobody is online, a ticket '
    "is opened and you are told its number and when to expect an answer), or just ask me again.",
)
HUMAN_BUTTON = ("转人工", "human")
_SOLVED = re.compile(r"^\s*(已解决|已解決|解决了|解決了|solved|yes)\s*[。.!！]?\s*$", re.I)
_UNSOLVED = re.compile(
    r"^\s*(未解决|未解決|没解决|沒解決|没有解决|沒有解決|not\s+solved|unsolved|no)\s*[。.!！]?\s*$",
    re.I,
)


def solved_answer(text: str) -> bool | None:
    """True for 已解决, False for 未解决 (in any of our languages), None for anything else."""
    if _SOLVED.match(text):
        return True
    if _UNSOLVED.match(text):
        return False
    return None


def buttons(lang: str | None, pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"title": say(lang, zh, en), "payload": say(lang, zh, en)} for zh, en in pairs]


class Endings:
    def __init__(self, conversations: Conversations, archiver: Archiver | None = None) -> None:
        self.conversations = conversations
        self.archiver = archiver

    async def touch(self, conversation_id: str, now: float | None = None) -> None:
        """The customer wrote to a bot-owned conversation: its idle clock starts again."""
        stamp = time.time() if now is None else now
        await self.conversations.redis.zadd(
            keys.idle_bucket(conversation_id), {conversation_id: stamp}
        )

    async def close_idle(self, idle_s: float, now: float | None = None, limit: int = 100) -> int:
        """Close every bot-owned conversation silent for ``idle_s``. → how many closed here."""
        redis = self.conversations.redis
        cutoff = (time.time() if now is None else now) - idle_s
        closed = 0
        for n in range(keys.IDLE_BUCKETS):
            bucket = keys.idle_bucket_n(n)
            due = await redis.zrangebyscore(bucket, "-inf", cutoff, start=0, num=limit)
            for raw in due:
                conv_id = as_text(raw)
                owner = (await self.conversations.state(conv_id)).owner
                if owner in (Owner.QUEUED, Owner.AGENT):
                    # With a person now; it may come back to the bot: look again later.
                    await redis.zadd(bucket, {conv_id: cutoff + idle_s}, xx=True)
                    continue
                # Drop the entry only if nobody touched it meanwhile (same score); of
                # several processes, the one whose ZREM removed it goes on.
                if not await _still(redis, bucket, conv_id, cutoff):
                    continue
                if await redis.zrem(bucket, conv_id) and await self.close(conv_id):
                    closed += 1
        return closed

    async def close(self, conversation_id: str) -> bool:
        """End one bot-owned conversation and archive it. False if it was not the bot's."""
        state = await self.conversations.state(conversation_id)
        if state.owner is not Owner.BOT or state.seq == 0:
            return False
        try:
            seq = await self.conversations.transition(
                conversation_id,
                {Owner.BOT},
                Owner.CLOSED,
                "closed",
                {"resolution": "idle", "by": "idle", "ask_solved": True},
            )
        except TransitionRefused:
            return False  # another process closed it, or it was handed off meanwhile
        lang = state.extra.get("lang") or "zh"
        await self.conversations.append(
            conversation_id,
            "message",
            {
                "from": "system",
                "text": say(lang, *SOLVED_QUESTION),
                "buttons": buttons(lang, SOLVED_BUTTONS),
                "ask_solved": True,
            },
            ask_solved=str(seq),
        )
        if self.archiver is not None:
            await self.archiver.archive(conversation_id)
        return True

    async def answer_solved(
        self, conversation_id: str, solved: bool, lang: str | None
    ) -> dict[str, Any] | None:
        """The customer's answer to "问题解决了吗？" after an idle close: recorded once (the
        event, and the facts row's resolution). → the reply to show, or None when the
        conversation is not waiting for that answer (then the message goes on as usual)."""
        state = await self.conversations.state(conversation_id)
        asked = state.extra.get("ask_solved", "")
        if state.owner is not Owner.CLOSED or not asked:
            return None
        try:
            _seq, created = await self.conversations.append_if(
                conversation_id,
                "solved_answer",
                {"solved": solved},
                owner=Owner.CLOSED,
                dedupe=f"solved-{asked}",
            )
        except TransitionRefused:
            return None
        if not created:
            return None  # answered already: an ordinary message now
        if self.archiver is not None:
            await self.archiver.archive(conversation_id)
            await set_resolution(
                self.archiver.engine, conversation_id, SOLVED if solved else UNSOLVED
            )
        if solved:
            return {"from": "system", "text": say(lang, *SOLVED_THANKS), "buttons": []}
        return {
            "from": "system",
            "text": say(lang, *UNSOLVED_OFFER),
            "buttons": buttons(lang, (HUMAN_BUTTON,)),
        }


async def _still(redis: Any, bucket: str, conv_id: str, cutoff: float) -> bool:
    score = await redis.zscore(bucket, conv_id)
    return score is not None and float(score) <= cutoff
