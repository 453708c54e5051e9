"""Actions against the real SQL shop (seeded demo data), the real knowledge base (the packaged
demo FAQs, indexed with the production encoder and retrieval, built once per session) and a
local staff console that checks every handoff packet with the staff console's own validator
and records the packets it accepts (the `serve` fixture: a Sanic app on a 127.0.0.1 port)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr
from rasa_sdk import Tracker
from sanic import Sanic
from sanic.request import Request
from sanic.response import json

from actions._handoff_client import HandoffClient
from actions._services import Services, set_services
from actions.settings import ActionSettings
from handoff.packet import validate_packet
from handoff.queue_config import QueueConfig
from handoff.skills import route_group
from kefu.db import make_async_engine
from kefu.errors import ApiError
from kefu.redis_server import free_port
from knowledge_base.demo import DEMO_FAQS
from knowledge_base.encoders import make_encoder
from knowledge_base.faq import load_faqs
from knowledge_base.retriever import Retriever
from shop import SqlShop
from shop.demo import seed_shop
from tests.conftest import TEST_INTERNAL_TOKEN, unique_app_name


def staff_stub(received: list[dict[str, Any]]) -> Sanic:
    app = Sanic(unique_app_name("staff-stub"))

    @app.post("/api/v1/handoffs")
    async def handoffs(request: Request):  # type: ignore[no-untyped-def]
        if request.headers.get("authorization") != f"Bearer {TEST_INTERNAL_TOKEN}":
            return json({"error": {"code": "unauthorized", "message": "bad token"}}, 401)
        try:  # what the staff console checks and how it routes (console/handoffs_internal.py)
            valid = validate_packet(request.json, QueueConfig().skill_groups)
        except ApiError as exc:
            return json({"error": {"code": exc.code, "message": exc.message}}, exc.status)
        routed = route_group(valid, QueueConfig().skill_groups, {})
        received.append({**request.json, "skill_group": routed})
        return json({"status": "queued", "position": len(received), "eta_seconds": 60}, 201)

    return app


@pytest.fixture(scope="session")
def knowledge() -> Retriever:
    """The demo knowledge base as the bot searches it (encoder and retrieval of production)."""
    return Retriever.build(load_faqs(DEMO_FAQS), make_encoder())


@pytest.fixture
def handoffs() -> list[dict[str, Any]]:
    return []


def _services(database_url: str, staff_url: str, engine: Any, knowledge: Retriever) -> Services:
    settings = ActionSettings(
        database_url=database_url,
        staff_url=staff_url,
        internal_token=SecretStr(TEST_INTERNAL_TOKEN),
    )
    return Services(
        settings=settings,
        shop=SqlShop(engine),
        handoff=HandoffClient(staff_url, TEST_INTERNAL_TOKEN, timeout_s=3.0),
        _searcher=knowledge,
    )


@pytest.fixture
async def services(database_url: str, serve, handoffs, knowledge):  # type: ignore[no-untyped-def]
    seed_shop(database_url)
    server = await serve(staff_stub(handoffs))
    engine = make_async_engine(database_url)
    built = _services(database_url, server.url, engine, knowledge)
    set_services(built)
    yield built
    set_services(None)
    await engine.dispose()


@pytest.fixture
async def services_staff_down(database_url: str, knowledge):  # type: ignore[no-untyped-def]
    seed_shop(database_url)
    engine = make_async_engine(database_url)
    built = _services(database_url, f"http://127.0.0.1:{free_port()}", engine, knowledge)
    set_services(built)
    yield built
    set_services(None)
    await engine.dispose()


def tracker(
    text: str = "",
    *,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    customer: str | None = "demo-001",
    lang: str = "zh",
    history: list[dict[str, Any]] | None = None,
    entities: list[Any] | None = None,
    sender: str = "conv-test-1",
) -> Tracker:
    """A recorded tracker as the action server receives it from Rasa."""
    metadata = {"channel": "rest", "lang": lang}
    if customer is not None:
        metadata["customer_id"] = customer
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.93},
        "entities": entities or [],
        "metadata": metadata,
    }
    events = [
        *list(history or []),
        {
            "event": "user",
            "text": text,
            "parse_data": latest,
            "metadata": metadata,
            "timestamp": 1700000000.0,
        },
    ]
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {"lang": lang, **(slots or {})},
            "latest_message": latest,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
