"""The services every action reaches, built lazily once per process (rasa-sdk builds actions
with no arguments). Nothing is opened at import time."""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from typing import Any

from actions._handoff_client import HandoffClient
from actions.settings import ActionSettings
from kefu.db import make_async_engine
from kefu.logging import get_logger
from knowledge_base.api import Hit, Searcher, Thresholds
from shop import ShopBackend, SqlShop

log = get_logger(__name__)


class StubSearcher:
    """Stands in for the knowledge base until ``knowledge_base.open_searcher`` exists.

    TODO(issue: knowledge base): remove once the knowledge base's public ``open_searcher``
    lands; it answers a handful of shop rules by keyword overlap so the FAQ flow can be tried.
    """

    FAQS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
        (
            "stub-shipping-fee",
            "运费险怎么理赔？",
            "运费险在您申请退货并寄回后自动理赔，赔付金额会在退款完成后1-3天内原路退回哦～",
            ("运费险", "理赔", "return shipping insurance"),
        ),
        (
            "stub-refund-time",
            "退款一般几天到账？",
            "退款审核通过后，原路退回一般1-3个工作日到账，银行卡可能需要3-7个工作日～",
            ("退款", "几天", "到账", "refund", "how long"),
        ),
        (
            "stub-seven-days",
            "支持七天无理由退货吗？",
            "支持的～签收后7天内、商品完好不影响二次销售，都可以申请七天无理由退货。",
            ("七天无理由", "无理由", "退货", "return policy"),
        ),
        (
            "stub-size",
            "尺码怎么选？",
            "身高165-170cm、体重55-65kg建议选M码，170-175cm建议L码；详情可参考商品页尺码表哦～",
            ("尺码", "码", "多高", "size", "fit"),
        ),
    )

    def __init__(self) -> None:
        self.thresholds = Thresholds()

    def search(self, query: str, lang: str | None = None, k: int = 5) -> list[Hit]:
        q = (query or "").lower()
        hits = []
        for faq_id, question, answer, words in self.FAQS:
            matched = sum(1 for w in words if w.lower() in q)
            if matched:
                score = min(0.95, 0.35 + 0.25 * matched)
                hits.append(Hit(faq_id, question, answer, score))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]


def open_searcher(settings: ActionSettings) -> Searcher:
    """The knowledge base's searcher if it offers ``open_searcher(settings)``, else the stub."""
    kb: Any = importlib.import_module("knowledge_base")
    opener = getattr(kb, "open_searcher", None)
    if opener is None:
        return StubSearcher()
    searcher: Searcher = opener(settings)
    return searcher


@dataclass
class Services:
    settings: ActionSettings
    shop: ShopBackend
    handoff: HandoffClient
    _searcher: Searcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def knowledge_base_missing(self) -> str | None:
        """None when the knowledge base can answer; else what it is still doing (never waits)."""
        searcher = self._searcher
        if searcher is None:
            return "knowledge base: opening"
        wait_ready = getattr(searcher, "wait_ready", None)  # the stub has none: always ready
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
        shop=SqlShop(engine),
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


def set_services(services: Services | None) -> None:
    """Install (or clear) the services; tests hand in ones built on their own database."""
    global _services
    _services = services
