"""Hot reload through real Redis and real SQL: two searchers (as in two action-server
processes) swap to a newly published version; a failed build keeps the old index."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pytest
import redis as sync_redis

from kefu.db import make_engine
from knowledge_base.encoders import Encoder
from knowledge_base.faq import Faq
from knowledge_base.live import (
    BUILD_ERRORS_KEY,
    UNANSWERED_KEY,
    VERSION_KEY,
    LiveSearcher,
    announce,
)
from knowledge_base.retriever import RetrievalConfig
from knowledge_base.store import FaqStore


class Exploding:
    """Wraps the real encoder; fails on texts containing BOOM (a build that goes wrong)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if any("boom" in t.lower() for t in texts):
            raise RuntimeError("encoder crashed on purpose")
        return self.inner.encode(texts)


def wait_for(check: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def store(sqlite_url: str) -> Iterator[FaqStore]:
    engine = make_engine(sqlite_url)
    yield FaqStore(engine)
    engine.dispose()


@pytest.fixture
def searchers(store: FaqStore, redis_url: str, encoder: Encoder) -> Iterator[list[LiveSearcher]]:
    made = [
        LiveSearcher(
            store, Exploding(encoder), redis_url, RetrievalConfig(method="fusion"), poll_seconds=0.5
        ).start()
        for _ in range(2)
    ]
    yield made
    for s in made:
        s.close()


def publish(store: FaqStore, client: sync_redis.Redis) -> int:
    version = store.publish(author="test")["version"]
    announce(client, version)
    return version


def test_both_processes_swap_to_a_published_version(
    store: FaqStore, searchers: list[LiveSearcher], redis_url: str, small_faqs: list[Faq]
) -> None:
    client = sync_redis.Redis.from_url(redis_url)
    assert all(s.wait_ready(30) for s in searchers)
    assert searchers[0].search("怎么退货", "zh") == []  # nothing published yet
    store.upsert_many(small_faqs)
    v1 = publish(store, client)
    assert wait_for(lambda: all(s.version == v1 for s in searchers))
    first = small_faqs[0]
    assert all(s.search(first.question, first.lang)[0].faq_id == first.id for s in searchers)

    # queries keep being answered (from the old index) while version 2 is built and swapped in
    answers: list[int] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            answers.append(len(searchers[0].search(first.question, first.lang)))

    asker = threading.Thread(target=ask)
    asker.start()
    store.create(
        {
            "id": "new-1",
            "question": "你们卖不卖宠物粮食",
            "answer": "卖，在宠物频道。",
            "similar_questions": ["有猫粮吗", "狗粮在哪买"],
        }
    )
    v2 = publish(store, client)
    assert wait_for(lambda: all(s.version == v2 for s in searchers))
    stop.set()
    asker.join()
    assert answers and min(answers) > 0
    assert all(s.search("有没有卖猫粮", "zh")[0].faq_id == "new-1" for s in searchers)
    assert int(client.get(VERSION_KEY)) == v2
    client.close()


def test_a_failed_build_keeps_the_old_index_and_says_why(
    store: FaqStore, searchers: list[LiveSearcher], redis_url: str, small_faqs: list[Faq]
) -> None:
    client = sync_redis.Redis.from_url(redis_url)
    store.upsert_many(small_faqs)
    v1 = publish(store, client)
    assert wait_for(lambda: all(s.version == v1 for s in searchers))
    store.create({"id": "bad", "question": "BOOM 这个问题会让编码器崩溃", "answer": "x"})
    v2 = publish(store, client)
    assert wait_for(lambda: client.hexists(BUILD_ERRORS_KEY, str(v2)))
    assert wait_for(
        lambda: all(s.last_error and f"version {v2}" in s.last_error for s in searchers)
    )
    assert all(s.version == v1 for s in searchers)
    reason = client.hget(BUILD_ERRORS_KEY, str(v2)).decode()
    assert "encoder crashed on purpose" in reason
    first = small_faqs[0]
    assert all(s.search(first.question, first.lang)[0].faq_id == first.id for s in searchers)
    client.close()


def test_low_score_queries_and_fallbacks_are_logged_for_editors(
    store: FaqStore, searchers: list[LiveSearcher], redis_url: str, small_faqs: list[Faq]
) -> None:
    client = sync_redis.Redis.from_url(redis_url)
    store.upsert_many(small_faqs)
    v1 = publish(store, client)
    assert wait_for(lambda: searchers[0].version == v1)
    # a query the bot derived (a clause, a follow-up with the message before) is no customer's
    searchers[0].search("我要的L 来的M 那你们老板呢", "zh", record=False)
    searchers[0].search("你们的老板叫什么名字", "zh")
    searchers[0].report_fallback("能不能帮我订机票", "zh")
    assert wait_for(lambda: client.llen(UNANSWERED_KEY) >= 2)
    items = [json.loads(x) for x in client.lrange(UNANSWERED_KEY, 0, -1)]
    assert {("你们的老板叫什么名字", "low_score"), ("能不能帮我订机票", "fallback")} <= {
        (i["q"], i["reason"]) for i in items
    }
    assert "我要的L 来的M 那你们老板呢" not in {i["q"] for i in items}
    client.close()
