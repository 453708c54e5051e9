"""While the action server's knowledge base is still building its index, an FAQ question gets a
"one moment" reply that does not count as the customer's miss (two such questions never hand
off), and the action server's ``/health`` answers 503 naming the index; once built, the same
question is answered and ``/health`` is 200. Real SQL (the demo knowledge, published), real
Redis and the packaged encoder."""

from __future__ import annotations

import httpx
import pytest
from rasa_sdk.executor import ActionExecutor

from actions._services import set_services
from actions.faq import ActionAnswerFaq
from actions.server import create_app
from knowledge_base import demo as kb_demo
from knowledge_base.encoders import make_encoder
from knowledge_base.live import LiveSearcher
from knowledge_base.service import open_store
from tests.actions.conftest import tracker
from tests.actions.test_flows import run, slot


@pytest.fixture
def searcher(database_url: str, redis_url: str, services):  # type: ignore[no-untyped-def]
    """The real live searcher over the published demo knowledge, not started: its index is
    not built yet, as in the first seconds after the action server starts."""
    kb_demo.seed(database_url)
    live = LiveSearcher(open_store(database_url), make_encoder("use-m3"), redis_url)
    services._searcher = live
    set_services(services)
    yield live
    live.close()
    live.store.engine.dispose()


async def test_warm_up_is_not_the_customers_miss(searcher, handoffs, serve):
    question = "运费险怎么理赔"
    me = "demo-002"  # not a VIP: a VIP's first miss would hand off at once
    server = await serve(create_app(ActionExecutor(), "test-token"))
    async with httpx.AsyncClient(base_url=server.url) as client:
        r = await client.get("/health")
        assert r.status_code == 503
        assert r.json()["missing"] == ["knowledge base: building its index"]

        events, texts, _ = await run(
            ActionAnswerFaq(), tracker(question, intent="ask_faq", customer=me)
        )
        assert events == [] and "准备" in texts[0]
        events, texts, _ = await run(
            ActionAnswerFaq(),
            tracker(question, intent="ask_faq", customer=me, slots={"faq_misses": 1}),
        )
        assert events == [] and "准备" in texts[0]
        assert handoffs == []

        assert searcher.refresh()  # the index is built
        r = await client.get("/health")
        assert r.status_code == 200, r.text
        assert r.json()["ready"] is True

    events, texts, _ = await run(
        ActionAnswerFaq(), tracker(question, intent="ask_faq", customer=me)
    )
    assert "运费险" in texts[0] and slot(events, "faq_misses") == 0
    assert handoffs == []


async def test_english_warm_up_reply(searcher):
    events, texts, _ = await run(
        ActionAnswerFaq(), tracker("how long does a refund take", intent="ask_faq", lang="en")
    )
    assert events == [] and "ask again" in texts[0]
