"""The live searcher every process uses: answers from the newest published version and swaps
to a new one atomically when an editor publishes.

How a publish reaches every process: the publisher sets the Redis key ``kefu:kb:version`` and
publishes the number on ``kefu:kb:events``. Each process's watcher thread listens on that channel
and also polls the key (so a missed message costs at most ``poll_seconds``), builds the new
index from the SQL snapshot in the background, and replaces its one reference to the retriever
— queries in flight keep the old object. A failed build keeps the old index and records why in
the Redis hash ``kefu:kb:build_errors`` (version → reason) and in the log.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import redis as sync_redis

from kefu import redis_keys as keys
from kefu.masking import mask_text
from kefu.redis_client import sync_client
from knowledge_base.api import Hit, Thresholds

if TYPE_CHECKING:  # the numeric stack is imported when the first index is built
    from knowledge_base.encoders import Encoder
    from knowledge_base.retriever import RetrievalConfig, Retriever
    from knowledge_base.store import FaqStore

log = logging.getLogger(__name__)

VERSION_KEY = keys.KB_VERSION
EVENTS_CHANNEL = keys.KB_EVENTS
BUILD_ERRORS_KEY = keys.KB_BUILD_ERRORS
UNANSWERED_KEY = keys.KB_UNANSWERED
UNANSWERED_MAX = 5000


def announce(client: sync_redis.Redis, version: int) -> None:
    """Tell every process that ``version`` is live (the key only ever grows)."""
    client.eval(
        "local v = tonumber(redis.call('GET', KEYS[1]) or '0') "
        "if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end "
        "redis.call('PUBLISH', KEYS[2], ARGV[1]) return 1",
        2,
        VERSION_KEY,
        EVENTS_CHANNEL,
        str(version),
    )


def record_unanswered(
    client: sync_redis.Redis, query: str, lang: str | None, reason: str, score: float
) -> None:
    item = {
        "q": mask_text(query[:500]),  # editors read this list: no phone or ID number in it
        "lang": lang,
        "reason": reason,
        "score": round(score, 4),
        "at": time.time(),
    }
    pipe = client.pipeline()
    pipe.lpush(UNANSWERED_KEY, json.dumps(item, ensure_ascii=False))
    pipe.ltrim(UNANSWERED_KEY, 0, UNANSWERED_MAX - 1)
    pipe.execute()


class LiveSearcher:
    """Implements ``knowledge_base.Searcher``: ``search(query, lang, k)``, ``get(faq_id)`` and
    ``thresholds``."""

    def __init__(
        self,
        store: FaqStore,
        encoder: Encoder,
        redis_url: str,
        config: RetrievalConfig | None = None,
        poll_seconds: float = 5.0,
        sql_poll_seconds: float = 30.0,
        log_unanswered: bool = True,
        on_swap: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.encoder = encoder
        if config is None:
            from knowledge_base.retriever import RetrievalConfig

            config = RetrievalConfig()
        self.config = config
        self.poll_seconds = poll_seconds
        self.sql_poll_seconds = sql_poll_seconds
        self.log_unanswered = log_unanswered
        self.on_swap = on_swap
        self._redis = sync_client(redis_url, socket_timeout=10)
        self._current: Retriever | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._outbox: queue.SimpleQueue[tuple[str, str | None, str, float]] = queue.SimpleQueue()
        self.last_error: str | None = None
        self._build_lock = threading.Lock()
        self._failed: set[int] = set()

    # ------------------------------------------------------------------ Searcher

    @property
    def thresholds(self) -> Thresholds:
        current = self._current
        return current.thresholds if current else Thresholds()

    @property
    def version(self) -> int:
        current = self._current
        return current.version if current else 0

    def search(
        self, query: str, lang: str | None = None, k: int = 5, record: bool = True
    ) -> list[Hit]:
        current = self._current  # one read: a swap during the query does not affect it
        if current is None or not isinstance(query, str):
            return []
        hits = current.search(query, lang=lang, k=k)
        top = hits[0].score if hits else 0.0
        if record and self.log_unanswered and query.strip() and top < current.thresholds.choose:
            self._outbox.put((query, lang, "low_score", top))
        return hits

    def get(self, faq_id: str) -> Hit | None:
        """The FAQ ``faq_id`` as published in the version being served, or None (never a
        draft, never one deleted since)."""
        current = self._current
        return current.get(faq_id) if current is not None else None

    def report_fallback(self, query: str, lang: str | None = None) -> None:
        """The bot could not help with ``query``: keep it for editors as an FAQ candidate."""
        if query and query.strip():
            self._outbox.put((query, lang, "fallback", 0.0))

    # ------------------------------------------------------------------ life cycle

    def start(self) -> LiveSearcher:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kb-watcher", daemon=True)
            self._thread.start()
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._redis.close()

    def refresh(self) -> bool:
        """Load the newest published version if it is newer than ours. True if swapped."""
        with self._build_lock:
            try:
                wanted = self.store.latest_version()
            except Exception as exc:  # database down: keep serving what we have
                log.warning("kb: cannot read the latest version: %s", exc)
                return False
            if wanted == 0 or wanted <= self.version or wanted in self._failed:
                if wanted == 0:
                    self._ready.set()  # nothing published yet: ready, with no answers
                return False
            return self._build(wanted)

    def _build(self, version: int) -> bool:
        from knowledge_base.retriever import Retriever

        started = time.perf_counter()
        try:
            _, faqs = self.store.snapshot(version)
            retriever = Retriever.build(faqs, self.encoder, self.config, version=version)
        except Exception as exc:
            self._failed.add(version)
            self.last_error = f"version {version}: {type(exc).__name__}: {exc}"
            log.exception(
                "kb: building version %s failed; keeping version %s", version, self.version
            )
            with contextlib.suppress(sync_redis.RedisError):
                self._redis.hset(BUILD_ERRORS_KEY, str(version), self.last_error[:1000])
            return False
        self._current = retriever  # the atomic swap
        self.last_error = None
        self._ready.set()
        log.info(
            "kb: now serving version %s (%d FAQs, built in %.1fs)",
            version,
            retriever.size,
            time.perf_counter() - started,
        )
        if self.on_swap:
            self.on_swap(version)
        return True

    def _failed_versions(self) -> set[int]:
        try:
            return {int(v) for v in self._redis.hkeys(BUILD_ERRORS_KEY)}
        except sync_redis.RedisError:
            return set()

    def _run(self) -> None:
        pubsub: Any = None
        self.refresh()
        last_sql_check = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() - last_sql_check > self.sql_poll_seconds:
                # a version published without an announcement (seeder, a lost message)
                last_sql_check = time.monotonic()
                self.refresh()
            try:
                if pubsub is None:
                    pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                    pubsub.subscribe(EVENTS_CHANNEL)
                pubsub.get_message(timeout=min(self.poll_seconds, 1.0))
                self._flush_outbox()
                announced = int(self._redis.get(VERSION_KEY) or 0)
                if announced > self.version and announced not in self._failed_versions():
                    self.refresh()
            except sync_redis.RedisError as exc:
                log.warning("kb: redis unavailable (%s); retrying", exc)
                pubsub = None
                self._stop.wait(self.poll_seconds)
        if pubsub is not None:
            pubsub.close()

    def _flush_outbox(self) -> None:
        while True:
            try:
                query, lang, reason, score = self._outbox.get_nowait()
            except queue.Empty:
                return
            record_unanswered(self._redis, query, lang, reason, score)
