"""The knowledge base's live reload over ``rediss://`` as a Redis ACL user (a real TLS-only
redis-server, tests/redis_tls.py): a searcher, as in the action server, swaps to a version
published through that Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kefu.redis_client import sync_client
from knowledge_base.encoders import Encoder
from knowledge_base.faq import Faq
from knowledge_base.live import LiveSearcher
from knowledge_base.retriever import RetrievalConfig
from knowledge_base.store import FaqStore
from tests.knowledge_base.test_live import publish, store, wait_for
from tests.redis_tls import tls_redis_url

__all__ = ["store", "tls_redis_url"]  # fixtures


@pytest.fixture
def searcher(store: FaqStore, tls_redis_url: str, encoder: Encoder) -> Iterator[LiveSearcher]:
    client = sync_client(tls_redis_url)
    client.flushdb()
    client.close()
    live = LiveSearcher(
        store, encoder, tls_redis_url, RetrievalConfig(method="fusion"), poll_seconds=0.5
    ).start()
    yield live
    live.close()


def test_live_reload_over_tls_as_an_acl_user(
    store: FaqStore, searcher: LiveSearcher, tls_redis_url: str, small_faqs: list[Faq]
) -> None:
    assert searcher.wait_ready(30)
    store.upsert_many(small_faqs)
    client = sync_client(tls_redis_url)
    try:
        version = publish(store, client)
    finally:
        client.close()
    assert wait_for(lambda: searcher.version == version)
    first = small_faqs[0]
    assert searcher.search(first.question, first.lang)[0].faq_id == first.id
