"""The services every action reaches, built lazily once per process (rasa-sdk builds actions
with no arguments). Nothing is opened at import time."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import cast

from actions._handoff_client import HandoffClient
from actions._products import Catalogue
from actions._turn_reads import TurnReads
from actions.settings import ActionSettings
from kefu.db import make_async_engine
from kefu.logging import get_logger
from knowledge_base import content_words, normalise
from knowledge_base.api import Searcher
from shop import ShopBackend, SqlShop

log = get_logger(__name__)


def open_searcher(settings: ActionSettings) -> Searcher:
    """The live knowledge base (``knowledge_base.open_searcher``)."""
    from knowledge_base import open_searcher as open_live

    # LiveSearcher's ``thresholds`` is a read-only property; the Searcher protocol declares an
    # attribute (knowledge_base/api.py), which mypy counts as settable.
    return cast(Searcher, open_live(settings))


@dataclass
class Services:
    settings: ActionSettings
    shop: ShopBackend
    handoff: HandoffClient
    _searcher: Searcher | None = None
    # (when read, the shop's products as customers name them): actions._orders.catalogue
    catalogue: tuple[float, Catalogue] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def knowledge_base_missing(self) -> str | None:
        """None when the knowledge base can answer; else what it is still doing (never waits)."""
        searcher = self._searcher
        if searcher is None:
            return "knowledge base: opening"
        wait_ready = getattr(searcher, "wait_ready", None)  # only a LiveSearcher builds later
        if wait_ready is not None and not wait_ready(0):
            return "knowledge base: building its index"
        return None

    @property
    def searcher(self) -> Searcher:
        """Opened on first use (it loads an encoder: call it off the event loop)."""
        with self._lock:
            if self._searcher is None:
                self._searcher = open_searcher(self.settings)
            return self._searcher


_services: Services | None = None


def build_services(settings: ActionSettings) -> Services:
    engine = make_async_engine(settings.database_url)
    return Services(
        settings=settings,
        shop=TurnReads(SqlShop(engine)),  # reads remembered for one call
        handoff=HandoffClient(
            settings.staff_url,
            settings.internal_token.get_secret_value(),
            timeout_s=settings.handoff_timeout_s,
        ),
    )


def get_services() -> Services:
    """The process-wide services, built on first use."""
    global _services
    if _services is None:
        _services = build_services(ActionSettings())
    return _services


def warm_up() -> None:
    """Build the services and open the knowledge base (for a background thread at start-up)."""
    try:
        get_services().searcher  # noqa: B018
    except Exception as exc:  # a missing knowledge base must not stop the action server
        log.warning("knowledge base not opened at start-up", error=f"{type(exc).__name__}: {exc}")
    # jieba's part-of-speech tagger loads its tables on first use (about a second): the first
    # follow-up read for its words (actions._said_before) should not wait for it
    content_words(normalise("积分可以抵扣现金吗"))


def set_services(services: Services | None) -> None:
    """Install (or clear) the services; tests hand in ones built on their own database."""
    global _services
    _services = services
