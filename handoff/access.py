"""Who may see and do what with conversations and tickets: one rule per resource.

Every REST route and every console WebSocket message that touches a conversation or a ticket
asks here, so the API and the live console can never disagree.

- supervisors and admins: everything;
- team leads: their own chats and all work of their skill groups;
- agents: their own chats, and the queued, bot-owned or closed conversations of their groups
  (another agent's live chat stays theirs).
"""

from __future__ import annotations

from handoff.accounts import Principal
from handoff.conversation import ConversationState, Owner
from kefu.errors import ApiError

SEE_ALL = frozenset({"supervisor", "admin"})
LEAD = "team_lead"


def sees_all(who: Principal) -> bool:
    return bool(who.roles & SEE_ALL)


def in_groups(who: Principal, group: str) -> bool:
    return bool(group) and group in who.skill_groups


def may_view(who: Principal, state: ConversationState) -> bool:
    if sees_all(who) or (state.agent and state.agent == who.username):
        return True
    if not in_groups(who, state.group):
        return False
    return LEAD in who.roles or state.owner is not Owner.AGENT


def require_view(who: Principal, state: ConversationState) -> None:
    if not may_view(who, state):
        raise ApiError(
            403,
            "not_your_chat",
            "this conversation belongs to another agent or skill group",
        )


def may_act_for_others(who: Principal, state: ConversationState) -> bool:
    """Leads may reply, transfer, close or hand back their groups' chats; supervisors any."""
    return sees_all(who) or (LEAD in who.roles and in_groups(who, state.group))


def require_accept(who: Principal, state: ConversationState) -> None:
    if not (sees_all(who) or in_groups(who, state.group)):
        raise ApiError(
            403,
            "not_your_group",
            "this conversation waits for another skill group",
            skill_group=state.group,
        )


def ticket_visible(who: Principal, skill_group: str, owner: str) -> bool:
    return sees_all(who) or owner == who.username or in_groups(who, skill_group)


def queue_groups(who: Principal, groups: list[str]) -> list[str]:
    """The skill groups whose queues ``who`` may see: all for supervisors, else their own."""
    return list(groups) if sees_all(who) else [g for g in groups if g in who.skill_groups]


def ticket_groups(who: Principal) -> frozenset[str] | None:
    """The skill groups whose tickets ``who`` may list (None: all)."""
    return None if sees_all(who) else who.skill_groups
