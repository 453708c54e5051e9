"""The report's "top unanswered clusters": the questions the bot could not answer in a period
(the knowledge base's unanswered list, ``knowledge_base.live.record_unanswered``: low scores
and bot fallbacks, stored masked), grouped by a cheap lexical similarity — character bigrams,
Jaccard ≥ ``SIMILAR`` against each cluster's first (most asked) question — so the staff console
never loads the sentence encoder (the editor's ``/api/v1/kb/unanswered`` groups by meaning in the
action server's way). The list keeps the newest ``UNANSWERED_MAX`` questions only: ``since`` is
the oldest question it still holds, so a page can say when a period reaches back further."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from kefu.masking import mask_text
from knowledge_base.live import UNANSWERED_KEY, UNANSWERED_MAX
from knowledge_base.text import normalise

SIMILAR = 0.5
TOP = 10
UNAVAILABLE: dict[str, Any] = {"available": False, "questions": 0, "clusters": []}


def bigrams(text: str) -> frozenset[str]:
    squeezed = text.replace(" ", "")
    if len(squeezed) < 2:
        return frozenset({squeezed})
    return frozenset(squeezed[i : i + 2] for i in range(len(squeezed) - 1))


def cluster(texts: Counter[str], similar: float = SIMILAR) -> list[dict[str, Any]]:
    """Clusters of ``texts`` (normalised, masked question → times asked), largest first, each
    ``{"example", "count", "questions"}``; the example is the most asked question in it."""
    leaders: list[tuple[frozenset[str], dict[str, Any]]] = []
    for text, n in sorted(texts.items(), key=lambda kv: (-kv[1], kv[0])):
        grams = bigrams(text)
        for lead, group in leaders:
            if len(grams & lead) / max(1, len(grams | lead)) >= similar:
                group["count"] += n
                group["questions"] += 1
                break
        else:
            leaders.append((grams, {"example": text, "count": n, "questions": 1}))
    groups = [group for _, group in leaders]
    groups.sort(key=lambda g: (-g["count"], g["example"]))
    return groups


async def unanswered_clusters(redis: Any, start: datetime, end: datetime) -> dict[str, Any]:
    """``{"available", "questions", "clusters": [{"example", "count", "questions"}] (TOP),
    "since", "partial"}`` for the questions recorded in [start, end)."""
    raw = await redis.lrange(UNANSWERED_KEY, 0, UNANSWERED_MAX - 1)
    lo, hi = start.timestamp(), end.timestamp()
    texts: Counter[str] = Counter()
    oldest = None
    for item in raw:
        try:
            entry = json.loads(item)
            at = float(entry.get("at", 0))
        except (ValueError, TypeError, AttributeError):
            continue
        oldest = at if oldest is None else min(oldest, at)
        if lo <= at < hi:
            text = normalise(mask_text(str(entry.get("q", ""))))  # stored masked; older ones not
            if text:
                texts[text] += 1
    return {
        "available": True,
        "questions": sum(texts.values()),
        "clusters": cluster(texts)[:TOP],
        "since": None if oldest is None else datetime.fromtimestamp(oldest, UTC).isoformat(),
        # the list is full and its oldest question is newer than the period's start
        "partial": len(raw) >= UNANSWERED_MAX and oldest is not None and oldest > lo,
    }
