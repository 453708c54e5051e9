"""Wiring for processes: build the store, encoder and live searcher from settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kefu.config import CommonSettings
    from knowledge_base.live import LiveSearcher
    from knowledge_base.store import FaqStore


def open_store(database_url: str) -> FaqStore:
    from kefu.db import make_engine
    from kefu.schema import check_schema
    from knowledge_base.store import FaqStore

    engine = make_engine(database_url)
    with engine.connect() as conn:
        check_schema(conn)  # the schema is migrated by `kefu db upgrade`, never here
    return FaqStore(engine)


def open_searcher(settings: CommonSettings, start: bool = True) -> LiveSearcher:
    """The live, hot-reloading searcher (``search(query, lang, k)``, ``thresholds``).

    Encoder, method, BLAS threads and the query-vector cache from ``KbSettings``
    (``KEFU_KB_*``). The first index is
    built in a background thread; until it is ready ``search`` returns no hits.
    """
    from knowledge_base.encoders import CachedEncoder, Encoder, make_encoder
    from knowledge_base.live import LiveSearcher
    from knowledge_base.retriever import RetrievalConfig, limit_blas_threads
    from knowledge_base.settings import KbSettings

    kb = KbSettings()
    limit_blas_threads(kb.blas_threads)
    config = RetrievalConfig(method=kb.method)
    encoder: Encoder = make_encoder(kb.encoder)
    if kb.query_cache:
        encoder = CachedEncoder(encoder, kb.query_cache)
    searcher = LiveSearcher(open_store(settings.database_url), encoder, settings.redis_url, config)
    return searcher.start() if start else searcher
