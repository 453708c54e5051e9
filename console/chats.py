"""What staff do with a conversation: accept, reply, note, transfer, close, hand back (a lead
who joined a chat replies through ``console.joins``).

Each step is one state-machine move or one conditional append, so a reply never lands in a
conversation the agent no longer owns and two agents never own one chat."""

from __future__ import annotations

import time
from typing import Any

from console.chat_bodies import Closing, StaffReply, Transfer
from console.joins import Joins
from handoff import access
from handoff.accounts import Principal
from handoff.agents import Agents
from handoff.archive import Archiver
from handoff.conversation import ConversationState, Owner, TransitionRefused
from handoff.endings import Endings
from handoff.queue import QueueService
from handoff.ticket_flow import assign_on_take
from handoff.transfers import customer_texts
from kefu.errors import ApiError


class Chats:
    def __init__(
        self, queue: QueueService, agents: Agents, archiver: Archiver, max_chars: int
    ) -> None:
        self.queue = queue
        self.conversations = queue.conversations
        self.agents = agents
        self.archiver = archiver
        self.max_chars = max_chars
        self.endings = Endings(self.conversations, archiver)
        self.joins = Joins(self.conversations, queue.engine)

    async def known_state(self, conversation_id: str) -> ConversationState:
        state = await self.conversations.state(conversation_id)
        if state.seq == 0:
            raise ApiError(404, "unknown_conversation", f"no conversation {conversation_id!r}")
        return state

    def _acting_as(self, who: Principal, state: ConversationState) -> str:
        """The agent whose chat this is, if ``who`` may act on it (its agent or a lead)."""
        if state.owner is not Owner.AGENT:
            raise ApiError(
                409,
                "not_with_an_agent",
                f"the conversation is {state.owner}",
                owner=str(state.owner),
            )
        if state.agent == who.username or access.may_act_for_others(who, state):
            return state.agent
        raise ApiError(
            403, "not_your_chat", "this conversation belongs to another agent", agent=state.agent
        )

    def _text(self, text: str) -> str:
        if not text.strip():
            raise ApiError(400, "empty_text", "text must not be empty")
        if len(text) > self.max_chars:
            raise ApiError(
                413,
                "text_too_long",
                f"text is over {self.max_chars} characters",
                limit=self.max_chars,
            )
        return text.strip()

    async def accept(self, conversation_id: str, who: Principal) -> dict[str, Any]:
        state = await self.known_state(conversation_id)
        if state.owner is Owner.AGENT and state.agent == who.username:
            return {"status": "accepted", "agent": who.username, "already": True}
        access.require_accept(who, state)
        try:
            moved = await self.conversations.move(
                conversation_id,
                {Owner.QUEUED},
                Owner.AGENT,
                "accepted",
                {"agent": who.username},
                agent=who.username,
                check_capacity=True,
            )
        except TransitionRefused as refused:
            raise _accept_refused(refused, who.username) from None
        await assign_on_take(
            self.queue.engine, conversation_id, who.username, timezone=self.queue.config.timezone
        )
        return {"status": "accepted", "agent": who.username, "seq": moved.seq}

    async def send(self, conversation_id: str, who: Principal, reply: StaffReply) -> dict[str, Any]:
        text, client_msg_id = self._text(reply.text), reply.client_msg_id
        state = await self.known_state(conversation_id)
        access.require_post(who, state)
        if state.agent != who.username:  # a lead who joined (强插)
            return await self.joins.post(state, who, text, client_msg_id or "")
        agent = state.agent
        info = await self.agents.info(who.username)
        data = {"from": "agent", "text": text, "agent": who.username, "agent_name": info["name"]}
        if client_msg_id:
            data["client_msg_id"] = client_msg_id
        try:
            seq, created = await self.conversations.append_if(
                conversation_id,
                "message",
                data,
                owner=Owner.AGENT,
                agent=agent,
                dedupe=client_msg_id or "",
                first_response=True,
            )
        except TransitionRefused as refused:
            raise _changed_hands(refused) from None
        return {"seq": seq, "duplicate": not created}

    async def note(self, conversation_id: str, who: Principal, text: str) -> dict[str, Any]:
        text = self._text(text)
        state = await self.known_state(conversation_id)
        if state.agent != who.username and not access.may_act_for_others(who, state):
            raise ApiError(403, "not_your_chat", "notes are for the chat's agent and leads")
        seq = await self.conversations.append(
            conversation_id, "note", {"internal": True, "text": text, "agent": who.username}
        )
        return {"seq": seq}

    async def transfer(
        self, conversation_id: str, who: Principal, body: Transfer
    ) -> dict[str, Any]:
        to_agent, to_group = body.to_agent, body.to_group
        reason = body.reason or "needs_specialist"
        note = body.note or ""
        if bool(to_agent) == bool(to_group):
            raise ApiError(400, "bad_transfer", "give exactly one of to_agent or to_group")
        state = await self.known_state(conversation_id)
        agent = self._acting_as(who, state)
        data: dict[str, Any] = {"reason": reason, "note": note.strip(), "by": who.username}
        try:
            if to_agent:
                if to_agent == agent:
                    raise ApiError(400, "bad_transfer", "to_agent must be another agent")
                name = str((await self.agents.info(to_agent)).get("name") or to_agent)
                texts = customer_texts(reason, note.strip(), to_agent_name=name)
                moved = await self.conversations.move(
                    conversation_id,
                    {Owner.AGENT},
                    Owner.AGENT,
                    "transferred",
                    {**data, **texts, "to_agent": to_agent, "agent_name": name},
                    agent=to_agent,
                    expect_agent=agent,
                    check_capacity=True,
                )
            else:
                if to_group not in self.queue.config.skill_groups:
                    raise ApiError(
                        400,
                        "invalid_skill_group",
                        f"to_group must be one of {self.queue.config.skill_groups}",
                    )
                packet = await self.queue.packet(conversation_id) or {}
                moved = await self.conversations.move(
                    conversation_id,
                    {Owner.AGENT},
                    Owner.QUEUED,
                    "transferred",
                    {
                        **data,
                        **customer_texts(reason, note.strip(), to_group=to_group),
                        "to_group": to_group,
                        "position": 0,
                        "eta_seconds": 0,
                    },
                    expect_agent=agent,
                    group=to_group,
                    queue_score=self.queue.score(packet) - 600,  # they have waited already
                    eta_per_position=await self.queue.eta_per_position(to_group),
                )
                await self.queue.dispatch(to_group)
        except TransitionRefused as refused:
            if refused.reason in ("agent_full", "agent_unavailable"):
                raise ApiError(
                    409, refused.reason, f"{to_agent} cannot take a chat now", agent=to_agent
                ) from None
            raise _changed_hands(refused) from None
        await self._record_handling(state)
        await self._after_release(agent)
        return {"status": "transferred", "seq": moved.seq}

    async def close(self, conversation_id: str, who: Principal, body: Closing) -> dict[str, Any]:
        resolution = body.resolution or "resolved"
        tags = body.tags or []
        state = await self.known_state(conversation_id)
        agent = self._acting_as(who, state)
        try:
            moved = await self.conversations.move(
                conversation_id,
                {Owner.AGENT},
                Owner.CLOSED,
                "closed",
                {"resolution": resolution, "tags": tags, "agent": agent},
                expect_agent=agent,
            )
        except TransitionRefused as refused:
            raise _changed_hands(refused) from None
        await self.conversations.append(conversation_id, "csat_request", {})
        await self._record_handling(state)
        await self.archiver.archive(conversation_id)
        await self._after_release(agent)
        return {"status": "closed", "seq": moved.seq}

    async def handback(self, conversation_id: str, who: Principal) -> dict[str, Any]:
        state = await self.known_state(conversation_id)
        agent = self._acting_as(who, state)
        try:
            moved = await self.conversations.move(
                conversation_id,
                {Owner.AGENT},
                Owner.BOT,
                "handed_back",
                {"by": who.username},
                expect_agent=agent,
            )
        except TransitionRefused as refused:
            raise _changed_hands(refused) from None
        await self._record_handling(state)
        await self._after_release(agent)
        await self.endings.touch(conversation_id)  # the bot's again: it ends when idle
        return {"status": "handed_back", "seq": moved.seq}

    async def _record_handling(self, state: ConversationState) -> None:
        assigned = float(state.extra.get("assigned_at", 0) or 0)
        if assigned and state.group:
            await self.queue.record_handling_time(state.group, time.time() - assigned)

    async def _after_release(self, agent: str) -> None:
        """An agent has room again: auto-assign in their groups."""
        info = await self.agents.info(agent)
        for group in info["skill_groups"]:
            await self.queue.dispatch(group)

    async def my_chats(self, username: str) -> list[dict[str, Any]]:
        out = []
        for conv_id in await self.agents.chats(username):
            state = await self.conversations.state(conv_id)
            packet = await self.queue.packet(conv_id) or {}
            out.append(
                {
                    "conversation_id": conv_id,
                    "group": state.group,
                    "customer": packet.get("customer", {}),
                    "reason": packet.get("reason"),
                    "assigned_at": float(state.extra.get("assigned_at", 0) or 0),
                }
            )
        return out


def _accept_refused(refused: TransitionRefused, username: str) -> ApiError:
    if refused.current is Owner.AGENT:
        return ApiError(
            409,
            "already_taken",
            f"{refused.agent} has already taken this chat",
            agent=refused.agent,
        )
    if refused.reason == "agent_full":
        return ApiError(409, "agent_full", "you are at your capacity; close a chat first")
    if refused.reason == "agent_unavailable":
        return ApiError(409, "not_online", "set your status to online to accept chats")
    return ApiError(
        409,
        "not_queued",
        f"the conversation is {refused.current}, not queued",
        owner=str(refused.current),
    )


def _changed_hands(refused: TransitionRefused) -> ApiError:
    """409 for a step on a chat that is no longer the caller's, naming who has it now."""
    return ApiError(
        409,
        "not_your_chat",
        "the conversation changed hands",
        owner=str(refused.current),
        agent=refused.agent,
    )
