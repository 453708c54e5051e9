"""Retrieval over a set of FAQs: dense (FAISS) + lexical (char n-gram TF-IDF) candidates,
re-scored by a layer learned from the knowledge base's own similar questions
(``knowledge_base.learning``). One ``LangIndex`` per language (``knowledge_base.lang_index``);
the candidate features are in ``knowledge_base.features``, the lexical channel in
``knowledge_base.lexical``, the settings in ``knowledge_base.retrieval_config``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from threadpoolctl import threadpool_limits

from knowledge_base.api import Hit, Thresholds
from knowledge_base.encoders import Encoder
from knowledge_base.faq import Faq
from knowledge_base.lang_index import LangIndex
from knowledge_base.retrieval_config import METHODS, RetrievalConfig
from knowledge_base.text import normalise

__all__ = ["METHODS", "LangIndex", "RetrievalConfig", "Retriever", "limit_blas_threads"]


def limit_blas_threads(threads: int = 1) -> None:
    """Process-wide BLAS thread count. A query is a handful of small matrix products: extra
    BLAS threads only add wake-up latency (badly so on a busy machine), so serving processes
    call this once at start-up (``open_searcher`` does; ``KEFU_KB_BLAS_THREADS``)."""
    threadpool_limits(threads, user_api="blas")


def _lang_key(lang: str | None) -> str:
    return "en" if lang == "en" else "zh"


class Retriever:
    """Searches a fixed set of FAQs; one ``LangIndex`` per language. Immutable once built —
    a new knowledge version gets a new Retriever, swapped in whole."""

    def __init__(
        self,
        indexes: dict[str, LangIndex],
        encoder_name: str,
        thresholds: Thresholds | None = None,
        version: int = 0,
    ) -> None:
        self.indexes = indexes
        self.encoder_name = encoder_name
        self.thresholds = thresholds or Thresholds()
        self.version = version
        self._by_id = {faq.id: faq for ix in indexes.values() for faq in ix.faqs}

    @classmethod
    def build(
        cls,
        faqs: Sequence[Faq],
        encoder: Encoder,
        config: RetrievalConfig | None = None,
        version: int = 0,
        progress: Callable[[int], None] | None = None,
    ) -> Retriever:
        config = config or RetrievalConfig()
        by_lang: dict[str, list[Faq]] = {}
        for faq in faqs:
            by_lang.setdefault(_lang_key(faq.lang), []).append(faq)
        indexes = {
            lang: LangIndex(items, encoder, config).build(progress)
            for lang, items in by_lang.items()
        }
        return cls(indexes, encoder.name, version=version)

    @property
    def size(self) -> int:
        return sum(len(ix.faqs) for ix in self.indexes.values())

    def get(self, faq_id: str) -> Hit | None:
        """The FAQ ``faq_id`` of this version (a tapped suggestion names it), or None."""
        faq = self._by_id.get(faq_id) if isinstance(faq_id, str) else None
        return Hit(faq.id, faq.question, faq.answer, 1.0) if faq is not None else None

    def search(
        self, query: str, lang: str | None = None, k: int = 5, record: bool = True
    ) -> list[Hit]:  # (``record`` is the live knowledge base's: nothing is kept here)
        from kefu.i18n import detect_lang, normalise_lang

        text = normalise(query)
        if not text or not self.indexes or k <= 0:
            return []
        wanted = _lang_key(normalise_lang(lang) or detect_lang(text))
        index = self.indexes.get(wanted) or max(self.indexes.values(), key=lambda ix: len(ix.faqs))
        found = index.search(text, min(k, 50))
        out = []
        for faq_i, score in found:
            faq = index.faqs[faq_i]
            out.append(Hit(faq.id, faq.question, faq.answer, round(min(max(score, 0.0), 1.0), 4)))
        return out
