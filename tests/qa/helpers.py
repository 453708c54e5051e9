"""Shortcuts for the QA tests: a closed agent conversation through the real console API."""

from __future__ import annotations

from tests.staff_console import Console

BASE = "/api/v1/conversations"


async def closed_chat(
    c: Console, conv: str, agent: dict[str, str], customer: str, replies: list[str]
) -> None:
    """Hand ``conv`` off (the online agent of its group takes it), the customer writes, the
    agent answers with ``replies``, the agent closes it (archived and checked at once)."""
    r = await c.handoff(conv)
    assert r.status_code in (200, 201) and r.json().get("agent"), r.text
    await c.ctx.conversations.append(conv, "message", {"from": "customer", "text": customer})
    for n, text in enumerate(replies):
        r = await c.http.post(
            f"{BASE}/{conv}/messages", headers=agent, json={"text": text, "client_msg_id": f"m{n}"}
        )
        assert r.status_code == 201, r.text
    r = await c.http.post(f"{BASE}/{conv}/close", headers=agent, json={"resolution": "resolved"})
    assert r.status_code == 200, r.text
