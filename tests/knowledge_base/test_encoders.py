"""The query-vector cache in front of the sentence encoder: the same vectors as the encoder, the
encoder not asked twice for one text, nothing a caller does to a result reaching the cache."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from knowledge_base.encoders import CachedEncoder, Encoder, UseEncoder
from knowledge_base.retriever import RetrievalConfig, Retriever
from knowledge_base.settings import KbSettings


class Counting:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts)


def test_a_cached_vector_is_the_encoders_own_and_is_encoded_once(encoder: Encoder):
    counting = Counting(encoder)
    cached = CachedEncoder(counting, size=8)
    first = cached.encode(["退货运费谁出"])
    again = cached.encode(["退货运费谁出"])
    assert counting.texts == ["退货运费谁出"]
    assert (cached.hits, cached.misses) == (1, 1)
    assert first.shape == again.shape == (1, encoder.dim) and again.dtype == np.float32
    np.testing.assert_array_equal(again, encoder.encode(["退货运费谁出"]))
    np.testing.assert_array_equal(first, again)


def test_a_caller_changing_its_result_does_not_change_the_cache(encoder: Encoder):
    cached = CachedEncoder(encoder, size=8)
    got = cached.encode(["包邮吗"])
    got[:] = 0.0
    np.testing.assert_array_equal(cached.encode(["包邮吗"]), encoder.encode(["包邮吗"]))


def test_the_least_recently_used_text_is_dropped_first(encoder: Encoder):
    counting = Counting(encoder)
    cached = CachedEncoder(counting, size=2)
    for text in ["发票怎么开", "包邮吗", "发票怎么开", "退货运费谁出", "发票怎么开", "包邮吗"]:
        cached.encode([text])
    # 包邮吗 was the oldest when 退货运费谁出 came in: encoded again; 发票怎么开 never
    assert counting.texts == ["发票怎么开", "包邮吗", "退货运费谁出", "包邮吗"]


def test_batches_go_to_the_encoder_and_are_not_kept(encoder: Encoder):
    counting = Counting(encoder)
    cached = CachedEncoder(counting, size=8)
    batch = cached.encode(["发票怎么开", "包邮吗"])
    np.testing.assert_array_equal(batch, encoder.encode(["发票怎么开", "包邮吗"]))
    cached.encode(["包邮吗"])
    assert counting.texts == ["发票怎么开", "包邮吗", "包邮吗"]
    assert len(cached.encode([])) == 0


def test_threads_searching_at_once_get_the_right_vectors(encoder: Encoder):
    texts = ["发票怎么开", "包邮吗", "退货运费谁出", "几天发货"]
    want = {t: encoder.encode([t])[0] for t in texts}
    cached = CachedEncoder(encoder, size=3)  # smaller than the texts: evictions under load
    errors: list[str] = []

    def ask(offset: int) -> None:
        for i in range(40):
            text = texts[(i + offset) % len(texts)]
            # within float rounding: the encoder itself differs in the last bits between
            # threads (BLAS's thread limit is set per call), never by a different text's vector
            if not np.allclose(cached.encode([text])[0], want[text], rtol=0, atol=1e-6):
                errors.append(text)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert len(cached._vectors) <= 3


def test_search_through_the_cache_answers_as_the_encoder_does(encoder: Encoder, small_faqs):
    counting = Counting(encoder)
    cached = CachedEncoder(counting, size=64)
    plain = Retriever.build(small_faqs, encoder, RetrievalConfig(method="fusion"))
    through = Retriever.build(small_faqs, cached, RetrievalConfig(method="fusion"))
    built = len(counting.texts)
    for query in ["退货的运费谁出？", "退货的运费谁出?", "能开发票吗"]:
        assert through.search(query, "zh") == plain.search(query, "zh")
    # the two spellings normalise alike: one text encoded for them
    assert len(counting.texts) - built == 2


def test_the_cache_is_on_by_default_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch):
    assert KbSettings().query_cache == 1024
    monkeypatch.setenv("KEFU_KB_QUERY_CACHE", "0")
    assert KbSettings().query_cache == 0
    with pytest.raises(ValueError, match="at least 1"):
        CachedEncoder(UseEncoder.__new__(UseEncoder), size=0)


def test_the_serving_searcher_encodes_queries_through_the_cache(
    sqlite_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
):
    from kefu.config import CommonSettings
    from knowledge_base.service import open_searcher

    settings = CommonSettings(database_url=sqlite_url, redis_url=redis_url)
    searcher = open_searcher(settings, start=False)
    assert isinstance(searcher.encoder, CachedEncoder) and searcher.encoder.size == 1024
    monkeypatch.setenv("KEFU_KB_QUERY_CACHE", "0")
    assert isinstance(open_searcher(settings, start=False).encoder, UseEncoder)
