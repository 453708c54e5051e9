"""The public types of the knowledge base that the bot codes against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Hit:
    """One FAQ found for a query. ``score`` is calibrated to [0, 1]: at or above
    ``Thresholds.confident`` answer directly; at or above ``Thresholds.choose`` offer the best
    few as choices; below that, nothing was found."""

    faq_id: str
    question: str
    answer: str
    score: float


@dataclass(frozen=True)
class Thresholds:
    confident: float = 0.75
    choose: float = 0.45


class Searcher(Protocol):
    """What ``search(query, lang, k)`` and ``get(faq_id)`` offer; the live knowledge base
    implements it."""

    thresholds: Thresholds

    def search(
        self, query: str, lang: str | None = None, k: int = 5, record: bool = True
    ) -> list[Hit]:
        """The best ``k`` FAQs for ``query``. ``record``: a query the customer typed, kept for
        the editors when nothing is found; False for one the bot derived from it (a clause, a
        follow-up read with the message before), which no customer asked as such."""
        ...

    def get(self, faq_id: str) -> Hit | None:
        """The published FAQ ``faq_id`` (score 1.0), or None when no published FAQ has it."""
        ...
