"""``check_ticket``: "我的投诉有结果了吗" — the open ticket's state, who handles it and when it is
due, read from the staff console (internal API); no ticket, or no answer from the console, is
said as it is — unless, with no ticket, the knowledge base answers the message (its words only
sounded like a ticket)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._before_reading import settled_before_reading
from actions._kb_answer import answered_from_kb
from actions._reading import ORDER_ID, is_own_case
from actions._services import get_services
from actions._text import say
from actions._tracker import lang_of, latest_text
from actions._two_questions import words_flow
from handoff.ticket_notify import due_text

# what each state means to the customer (simplified Chinese, English; traditional derived)
STATES: dict[str, tuple[str, str]] = {
    "new": ("已登记，等待客服受理", "registered and waiting for an agent"),
    "assigned": ("已有客服负责", "assigned to an agent"),
    "in_progress": ("正在处理中", "being worked on"),
    "waiting_customer": ("正在等待您补充信息", "waiting for information from you"),
    "reopened": ("已重新打开，正在处理", "reopened and being worked on"),
}
GROUPS: dict[str, tuple[str, str]] = {
    "presale": ("售前客服组", "the pre-sales team"),
    "aftersales": ("售后客服组", "the after-sales team"),
    "logistics": ("物流客服组", "the logistics team"),
    "complaints": ("投诉处理组", "the complaints team"),
}


class ActionCheckTicket(Action):
    def name(self) -> str:
        return "action_check_ticket"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        text = latest_text(tracker)
        if (
            settled := await settled_before_reading(get_services(), dispatcher, tracker, text)
        ) is not None:
            # "这事我得投诉 让你们负责的出来" read as a ticket's state: a person, asked for
            return settled
        reached, ticket = await get_services().handoff.open_ticket(tracker.sender_id)
        if not reached:
            dispatcher.utter_message(
                text=say(
                    lang,
                    "抱歉，暂时查不到工单信息，请稍后再问我一次～",
                    "Sorry, I can't look up your ticket right now. Please ask me again shortly.",
                )
            )
        elif ticket is None:
            if (ORDER_ID.search(text) or is_own_case(text)) and (flow := words_flow(text)):
                # "之前那单北欧风的盘子，钱退到账了吗", "Any progress on the refund for 2023…?"
                # read as a ticket's state: no ticket — their order's refund, its own flow
                return [FollowupAction(flow)]
            if await answered_from_kb(dispatcher, tracker, "check_ticket"):
                # no ticket, and a question the knowledge base answers ("那我半夜留言 啥时候回"
                # after the agents' hours): the words sounded like a ticket, the question is not
                return []
            dispatcher.utter_message(
                text=say(
                    lang,
                    "您在这个会话里没有未完成的工单。如需帮助，可以直接告诉我问题，或回复“转人工”。",
                    "You have no open ticket in this conversation. Tell me what you need, or "
                    'type "human" for an agent.',
                )
            )
        else:
            dispatcher.utter_message(text=ticket_text(lang, ticket))
        return []


def ticket_text(lang: str | None, ticket: dict[str, Any]) -> str:
    state_zh, state_en = STATES.get(str(ticket.get("status")), ("处理中", "in progress"))
    group_zh, group_en = GROUPS.get(str(ticket.get("skill_group")), ("客服团队", "our team"))
    name = str(ticket.get("assignee_name") or "")
    owner_zh = (
        f"客服{name}" if name else (f"{group_zh}的客服" if ticket.get("assigned") else group_zh)
    )
    owner_en = (
        f"agent {name}"
        if name
        else (f"an agent of {group_en}" if ticket.get("assigned") else group_en)
    )
    due_zh, due_en = due_text(str(ticket.get("due_at") or ""))
    if ticket.get("clock_paused"):
        due_line_zh = "收到您的补充后我们会继续处理"
        due_line_en = "we'll continue as soon as you send the missing details"
    else:
        due_line_zh = f"预计{due_zh}前给您答复"
        due_line_en = f"you'll have an answer by {due_en}"
    progress = str(ticket.get("progress") or "")
    zh = f"您的工单 {ticket['id']} {state_zh}，由{owner_zh}负责，{due_line_zh}。"
    en = f"Your ticket {ticket['id']} is {state_en}, handled by {owner_en}; {due_line_en}."
    if progress:
        zh += f"最新进展：{progress}"
        en += f" Latest update: {progress}"
    return say(lang, zh, en)
