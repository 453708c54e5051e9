"""One call of the action server reads the customer's order once, however many times the form's
validation asks for it; a write in the call makes the next read go to the shop again — real
action server app over HTTP, real SQL (statements counted on the engine)."""

from __future__ import annotations

from typing import Any

import httpx
import rasa_sdk
import yaml
from rasa_sdk.executor import ActionExecutor
from sqlalchemy import event

from actions._services import Services
from actions._turn_reads import TurnReads, begin_call
from actions.server import create_app
from kefu.config import ROOT
from tests.actions.conftest import tracker
from tests.conftest import TEST_INTERNAL_TOKEN

AUTH = {"Authorization": f"Bearer {TEST_INTERNAL_TOKEN}"}


def _order_selects(services: Services) -> list[str]:
    """Every SELECT on the shop_orders table the shop's engine runs from now on."""
    seen: list[str] = []
    engine = services.shop.shop._sessions.kw["bind"].sync_engine  # type: ignore[attr-defined]

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM shop_orders" in statement:
            seen.append(statement)

    return seen


async def test_a_form_validation_reads_the_order_once(services: Services, serve: Any) -> None:
    services.shop = TurnReads(services.shop)
    executor = ActionExecutor()
    executor.register_package("actions")
    server = await serve(create_app(executor, TEST_INTERNAL_TOKEN))
    selects = _order_selects(services)
    state = tracker(
        "查一下订单20231120002的状态",
        intent="check_order_status",
        slots={"order_id": "20231120002", "requested_slot": "order_id"},
    ).current_state()
    state["active_loop"] = {"name": "order_status_form"}
    # Rasa filled the slot from the message's entity: the form validates it
    state["events"].append({"event": "slot", "name": "order_id", "value": "20231120002"})
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(
            f"{server.url}/webhook",
            headers=AUTH,
            json={
                "next_action": "validate_order_status_form",
                "sender_id": state["sender_id"],
                "tracker": state,
                "domain": domain,
                "version": rasa_sdk.__version__,
            },
        )
    assert r.status_code == 200, r.text
    events = r.json()["events"]
    assert {"event": "slot", "name": "order_id", "value": "20231120002"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    assert len(selects) == 1, selects  # required slots and the validation share one read


async def test_a_write_forgets_what_the_call_read(services: Services) -> None:
    shop = TurnReads(services.shop)
    begin_call()
    before = await shop.order("demo-001", "20231120001")
    assert before is not None and before.status.value == "unpaid"
    assert await shop.order("demo-001", "20231120001") is before  # remembered
    assert await shop.cancel_order("demo-001", "20231120001") is not None
    after = await shop.order("demo-001", "20231120001")
    assert after is not None and after.status.value == "cancelled"
