"""An order's warranty asked about (actions/_warranty_state.py): until when, from its own
delivery date, and nothing filed (heldout23's blind run: "20231120013 这个保修截止到哪天" got the
order's tracking)."""

from __future__ import annotations

import pytest

from actions._warranty_state import asks_warranty_state
from actions.order_status import ActionTrackShipment
from tests.actions.conftest import tracker
from tests.actions.test_flows import run


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("20231120013 这个保修截止到哪天", True),
        ("is my watch still under warranty", True),
        ("when does the warranty end on my earbuds", True),
        ("耳机坏了 还在保修吗", False),  # a fault: a repair is asked for
        ("保修多久", False),  # the rule, not an order's date
    ],
)
def test_the_warranty_state_asked(text: str, asks: bool) -> None:
    assert asks_warranty_state(text) is asks


async def test_the_warranty_asked_of_an_order_says_until_when(services, handoffs):
    _, texts, _ = await run(
        ActionTrackShipment(),
        tracker("20231120013 这个保修截止到哪天", intent="track_shipment",
                slots={"order_id": "20231120013"}),
    )  # fmt: skip
    assert "在保修期内，保修至" in texts[0] and "运单号" not in texts[0]
    # the toothbrush, delivered 400 days ago with 12 months: expired, a paid repair
    _, texts, _ = await run(
        ActionTrackShipment(),
        tracker("牙刷保修过了没", intent="track_shipment", slots={"order_id": "20231120014"}),
    )
    assert "到期" in texts[0] and "付费维修" in texts[0]
