"""Who may see and do what with conversations and tickets: one rule per resource.

Every REST route and every console WebSocket message that touches a conversation or a ticket
asks here, so the API and the live console can never disagree.

- supervisors and admins: everything;
- team leads: their own chats and all work of their skill groups;
- agents: their own chats, and the queued, bot-owned or closed conversations of their groups
  (another agent's live chat stays theirs).

Writing to the customer is narrower than acting for others: in a live chat only its agent and
the staff who joined it (强插, ``handoff.participation``) post; a lead of its group or a
supervisor may join (never its own agent), and a participant posts only while they still may.
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


def sees_unmasked(who: Principal, state: ConversationState) -> bool:
    """What the customer typed, unmasked, is for the agent who owns the live chat; everyone
    else sees it masked (``kefu.masking``) unless they reveal it, a logged supervisor action."""
    return state.owner is Owner.AGENT and bool(state.agent) and state.agent == who.username


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


def may_join(who: Principal, state: ConversationState) -> bool:
    """强插: a lead of the chat's group or a supervisor joins another agent's live chat."""
    return (
        state.owner is Owner.AGENT
        and bool(state.agent)
        and state.agent != who.username
        and may_act_for_others(who, state)
    )


def require_join(who: Principal, state: ConversationState) -> None:
    if state.owner is not Owner.AGENT:
        raise ApiError(
            409, "not_with_an_agent", f"the conversation is {state.owner}", owner=str(state.owner)
        )
    if state.agent == who.username:
        raise ApiError(409, "own_chat", "this is your own chat")
    if not may_join(who, state):
        raise ApiError(
            403, "not_your_group", "only a lead of this chat's group or a supervisor may join"
        )


def may_post(who: Principal, state: ConversationState) -> bool:
    """Who writes to the customer of a live chat: its agent, or a participant who still may
    join it (a lead moved to another group stops posting at once)."""
    if state.owner is not Owner.AGENT or not state.agent:
        return False
    if state.agent == who.username:
        return True
    return who.username in state.participants and may_join(who, state)


def require_post(who: Principal, state: ConversationState) -> None:
    if state.owner is not Owner.AGENT:
        raise ApiError(
            409, "not_with_an_agent", f"the conversation is {state.owner}", owner=str(state.owner)
        )
    if not may_post(who, state):
        raise ApiError(
            403,
            "not_your_chat",
            "this conversation belongs to another agent; a lead joins it (强插) to write",
            agent=state.agent,
        )


def require_accept(who: Principal, state: ConversationState) -> None:
    if not (sees_all(who) or in_groups(who, state.group)):
        raise ApiError(
            403,
            "not_your_group",
            "this conversation waits for another skill group",
            skill_group=state.group,
        )


def ticket_visible(who: Principal, skill_group: str, assignee: str) -> bool:
    """Tickets: agents their own and their groups'; leads their groups'; supervisors all."""
    return sees_all(who) or assignee == who.username or in_groups(who, skill_group)


def require_ticket(who: Principal, skill_group: str, assignee: str) -> None:
    """Seeing a ticket is working it: the same rule for reading, notes, replies and states."""
    if not ticket_visible(who, skill_group, assignee):
        raise ApiError(403, "not_your_group", "this ticket belongs to another skill group")


def queue_groups(who: Principal, groups: list[str]) -> list[str]:
    """The skill groups whose queues ``who`` may see: all for supervisors, else their own."""
    return list(groups) if sees_all(who) else [g for g in groups if g in who.skill_groups]


def ticket_groups(who: Principal) -> frozenset[str] | None:
    """The skill groups whose tickets ``who`` may list (None: all)."""
    return None if sees_all(who) else who.skill_groups


BOARD = frozenset({LEAD, "supervisor", "admin"})


def board_groups(who: Principal, groups: list[str]) -> list[str]:
    """The skill groups on ``who``'s live board: every group for supervisors and admins, their
    own for team leads, none for anyone else."""
    if not who.roles & BOARD:
        return []
    return queue_groups(who, groups)


def alerted(who: Principal, skill_group: str, escalated_to: str) -> bool:
    """Whether an SLA breach or an overdue ticket is pushed to ``who``: a team lead hears about
    every breach and overdue ticket of their groups (``escalated_to="team_lead"`` for a ticket),
    a supervisor (or admin) about what was escalated to a supervisor, in every group."""
    if sees_all(who) and escalated_to == "supervisor":
        return True
    return LEAD in who.roles and in_groups(who, skill_group)


def script_groups(who: Principal) -> frozenset[str] | None:
    """Whose canned replies (话术库) ``who`` reads: their groups' plus the shared ones; every
    group for supervisors and admins (None)."""
    return None if sees_all(who) else who.skill_groups


def may_edit_script(who: Principal, skill_group: str) -> bool:
    """Supervisors and admins edit every script; a team lead their groups' (shared scripts,
    ``skill_group`` empty, are the supervisors')."""
    return sees_all(who) or (LEAD in who.roles and in_groups(who, skill_group))


def require_edit_script(who: Principal, skill_group: str) -> None:
    if not may_edit_script(who, skill_group):
        raise ApiError(
            403,
            "not_your_group",
            "a team lead edits the scripts of their own groups; shared ones are the supervisors'",
            skill_group=skill_group,
        )


# ---------------------------------------------------------------- quality inspection (质检)

QA = "qa"
QA_ALL = frozenset({QA, "supervisor", "admin"})


def qa_groups(who: Principal) -> frozenset[str] | None:
    """The skill groups whose closed conversations ``who`` may review: every group for QA
    inspectors, supervisors and admins (None), a team lead's own groups, none for others."""
    if who.roles & QA_ALL:
        return None
    return who.skill_groups if LEAD in who.roles else frozenset()


def may_review(who: Principal, skill_group: str) -> bool:
    groups = qa_groups(who)
    return groups is None or skill_group in groups


def require_review(who: Principal, skill_group: str) -> None:
    """Scoring and reading a QA item: QA inspectors and supervisors all, leads their groups."""
    if not may_review(who, skill_group):
        raise ApiError(403, "not_your_group", "this conversation belongs to another skill group")


def require_qa_read(who: Principal, skill_group: str, agent: str) -> None:
    """A QA item and its score: its reviewers (as above), and the agent it is about."""
    if agent != who.username:
        require_review(who, skill_group)


def require_appeal_decider(who: Principal, skill_group: str) -> None:
    """Appeals are decided by the group's team lead or a supervisor (not by QA inspectors)."""
    if not (sees_all(who) or (LEAD in who.roles and in_groups(who, skill_group))):
        raise ApiError(403, "not_your_group", "appeals are decided by the group's lead")
