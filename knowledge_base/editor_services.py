"""The knowledge-base editor's services, opened once per staff console (``app.ctx.kb``): the FAQ
store, a live searcher opened on first use, and a Redis client for announcing published versions
and reading unanswered questions. The routes that use them are in ``knowledge_base.editor``."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import redis as sync_redis

from kefu.config import CommonSettings
from kefu.redis_client import sync_client
from knowledge_base.live import LiveSearcher, announce
from knowledge_base.store import FaqStore


class KbEditor:
    """What the editor endpoints need: the store, a live searcher (for search and preview),
    and a Redis client (announcing versions, reading unanswered questions).

    The searcher loads the sentence encoder (hundreds of MB): it is opened on the first request
    that needs it (search, the serving version, grouping unanswered questions), not when the
    staff console starts, so a console nobody edits the knowledge base on never holds one."""

    def __init__(
        self,
        store: FaqStore,
        searcher: LiveSearcher | None,
        redis_url: str,
        open_searcher: Callable[[], LiveSearcher] | None = None,
    ) -> None:
        self.store = store
        self._searcher = searcher
        self._open_searcher = open_searcher
        self._searcher_lock = threading.Lock()
        self.redis = sync_client(redis_url, socket_timeout=5)

    @classmethod
    def open(cls, settings: CommonSettings) -> KbEditor:
        from knowledge_base.service import open_searcher, open_store

        return cls(
            open_store(settings.database_url),
            None,
            settings.redis_url,
            lambda: open_searcher(settings),
        )

    @property
    def searcher(self) -> LiveSearcher:
        """The live searcher, opened on first use (blocking: call it off the event loop)."""
        with self._searcher_lock:
            if self._searcher is None:
                if self._open_searcher is None:
                    raise RuntimeError("KbEditor has no searcher and no way to open one")
                self._searcher = self._open_searcher()
            return self._searcher

    def close(self) -> None:
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
                if self._searcher.store is not self.store:
                    self._searcher.store.engine.dispose()
        self.redis.close()
        self.store.engine.dispose()

    def announce(self, version: int) -> None:
        # if Redis is down, searchers still poll SQL: the version is live within a minute
        with contextlib.suppress(sync_redis.RedisError):
            announce(self.redis, version)
