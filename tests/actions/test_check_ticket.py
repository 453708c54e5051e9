"""``check_ticket`` against a served staff console (real Redis and SQL): the answer names the
open ticket's number, state, owner and due time, and the latest progress line the customer may
read — never an internal note; without a ticket, or without the console, it says so."""

from __future__ import annotations

import re

import httpx

from actions._handoff_client import HandoffClient
from actions.check_ticket import ActionCheckTicket
from actions.complaint import ActionFileComplaint
from tests.actions.conftest import tracker
from tests.actions.test_flows import run
from tests.actions.test_follow_up import answered, said
from tests.actions.test_handoff_tickets import Staff, staff, ticket_number  # noqa: F401


async def test_check_ticket_answers_state_owner_due_and_progress(staff: Staff):  # noqa: F811
    _, texts, _ = await run(
        ActionFileComplaint(), tracker("我要投诉 快递员态度太差了", intent="file_complaint")
    )
    number = ticket_number(texts[-1])
    _, answer, _ = await run(
        ActionCheckTicket(), tracker("我的投诉有结果了吗", intent="check_ticket")
    )
    assert f"工单 {number}" in answer[0] and "等待客服受理" in answer[0]
    assert "投诉处理组" in answer[0] and re.search(r"\d+月\d+日 \d\d:\d\d前", answer[0])

    sup = await staff.supervisor()
    r = await staff.http.post(
        f"/api/v1/tickets/{number}/state", headers=sup, json={"state": "in_progress"}
    )
    assert r.status_code == 200, r.text
    await staff.http.post(
        f"/api/v1/tickets/{number}/notes", headers=sup, json={"text": "内部：查快递员"}
    )
    await staff.http.post(
        f"/api/v1/tickets/{number}/progress", headers=sup, json={"text": "已联系快递公司核实"}
    )
    _, answer, _ = await run(
        ActionCheckTicket(), tracker("any update on my complaint", intent="check_ticket", lang="en")
    )
    assert f"ticket {number} is being worked on" in answer[0]
    assert "已联系快递公司核实" in answer[0] and "内部" not in answer[0]


async def test_no_ticket_is_said_plainly(staff: Staff):  # noqa: F811
    _, answer, _ = await run(ActionCheckTicket(), tracker("工单进度", intent="check_ticket"))
    assert "没有未完成的工单" in answer[0]


async def test_console_down_is_said_plainly():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = HandoffClient("http://127.0.0.1:9", "token", transport=httpx.MockTransport(refuse))
    assert await client.open_ticket("conv-x") == (False, None)


async def test_no_ticket_and_a_question_the_knowledge_base_answers_gets_the_answer(
    staff: Staff,  # noqa: F811
):
    # "那我半夜留言 啥时候回" after the agents' hours sounds like a ticket; there is none, and
    # the knowledge base says when a message left at night is answered.
    history = [
        said("人工客服几点下班啊", "ask_faq"),
        answered("人工客服每天9:00–22:00在线（节假日不休）。"),
    ]
    t = tracker("那我半夜留言 啥时候回", intent="check_ticket", history=history)
    _, answer, _ = await run(ActionCheckTicket(), t)
    assert "没有未完成的工单" not in answer[0] and "2小时" in answer[0]


async def test_a_complaint_or_a_person_read_as_a_tickets_state_is_that(
    staff: Staff,  # noqa: F811
):
    # "这事我得投诉" read as a question about a ticket: the complaint's path, not "no ticket"
    events, _, _ = await run(
        ActionCheckTicket(), tracker("二十天就不管了？啥破质量 这事我得投诉", intent="check_ticket")
    )
    assert {"event": "followup", "timestamp": None, "name": "action_file_complaint"} in events
    # "让你们负责的出来": a person, asked for in so many words
    _, answer, _ = await run(
        ActionCheckTicket(), tracker("我的事到底有没有人管 让你们负责的出来", intent="check_ticket")
    )
    # (nobody is online in this console: the person's ticket is made)
    assert "没有未完成的工单" not in answer[-1] and "已为您创建工单" in answer[-1]
