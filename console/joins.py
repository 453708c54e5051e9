"""强插: a team lead (their groups) or a supervisor joins an agent's live chat as a participant,
writes to the customer under their own title and name, and leaves. The agent keeps the chat
(``handoff.participation``); who may join and post is ``handoff.access``."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff import access
from handoff.accounts import Principal
from handoff.conversation import (
    Conversations,
    ConversationState,
    NotParticipating,
    TransitionRefused,
)
from handoff.models import StaffAccount
from handoff.participant_texts import JOINED, LEFT, customer_texts, names, title_role
from kefu.errors import ApiError


class Joins:
    def __init__(self, conversations: Conversations, engine: AsyncEngine) -> None:
        self.conversations = conversations
        self.engine = engine

    async def _names(self, who: Principal) -> dict[str, str]:
        """The caller's title and display name (leads are often never "online": the account)."""
        async with AsyncSession(self.engine) as session:
            shown = await session.scalar(
                select(StaffAccount.display_name).where(StaffAccount.username == who.username)
            )
        return names(who.roles, shown or who.username)

    async def join(self, state: ConversationState, who: Principal) -> dict[str, Any]:
        access.require_join(who, state)
        shown = await self._names(who)
        data = {
            "by": who.username,
            "role": title_role(who.roles),
            "agent": state.agent,
            **shown,
            **customer_texts(JOINED, shown),
        }
        seq, created = await self._step(state, "join", who, "participant_joined", data)
        return {"status": "joined", "seq": seq, "already": not created}

    async def leave(self, state: ConversationState, who: Principal) -> dict[str, Any]:
        if who.username not in state.participants:
            raise ApiError(409, "not_joined", "you have not joined this chat")
        shown = await self._names(who)
        data = {"by": who.username, **shown, **customer_texts(LEFT, shown)}
        seq, _ = await self._step(state, "leave", who, "participant_left", data)
        return {"status": "left", "seq": seq}

    async def post(
        self, state: ConversationState, who: Principal, text: str, client_msg_id: str
    ) -> dict[str, Any]:
        """A participant's message to the customer (the caller checked ``access.may_post``)."""
        shown = await self._names(who)
        data: dict[str, Any] = {
            "from": "agent",
            "text": text,
            "agent": who.username,
            "participant": True,
            **shown,
        }
        if client_msg_id:
            data["client_msg_id"] = client_msg_id
        seq, created = await self._step(state, "post", who, "message", data, dedupe=client_msg_id)
        return {"seq": seq, "duplicate": not created}

    async def _step(
        self,
        state: ConversationState,
        action: Literal["join", "post", "leave"],
        who: Principal,
        event_type: str,
        data: dict[str, Any],
        dedupe: str = "",
    ) -> tuple[int, bool]:
        try:
            return await self.conversations.participate(
                state.conversation_id, action, who.username, event_type, data, dedupe=dedupe
            )
        except NotParticipating:
            raise ApiError(
                409, "not_joined", "you are no longer in this chat (it moved); join it again"
            ) from None
        except TransitionRefused as refused:
            raise ApiError(
                409,
                "not_your_chat",
                "the conversation changed hands",
                owner=str(refused.current),
                agent=refused.agent,
            ) from None
