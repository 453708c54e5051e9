"""Questions the bot could not answer, grouped by similarity for editors (FAQ candidates)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np
import redis as sync_redis

from kefu.masking import mask_text
from knowledge_base.encoders import Encoder
from knowledge_base.live import UNANSWERED_KEY
from knowledge_base.text import normalise


def group_unanswered(
    client: sync_redis.Redis,
    encoder: Encoder,
    limit: int = 2000,
    similarity: float = 0.8,
) -> list[dict[str, Any]]:
    """Groups of similar unanswered questions, largest first:
    ``{"example", "count", "questions": [{"text", "count"}], "reasons", "last_at"}``."""
    items = []
    for raw in client.lrange(UNANSWERED_KEY, 0, limit - 1):
        try:
            items.append(json.loads(raw))
        except (ValueError, TypeError):
            continue
    by_text: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        text = normalise(mask_text(str(item.get("q", ""))))  # entries stored before masking
        if text:
            by_text.setdefault(text, []).append(item)
    if not by_text:
        return []
    texts = sorted(by_text, key=lambda t: -len(by_text[t]))
    vectors = encoder.encode(texts)
    centres: list[np.ndarray] = []
    members: list[list[str]] = []
    for text, vector in zip(texts, vectors, strict=True):
        if centres:
            sims = np.asarray(centres) @ vector
            best = int(np.argmax(sims))
            if sims[best] >= similarity:
                members[best].append(text)
                continue
        centres.append(vector)
        members.append([text])
    groups: list[dict[str, Any]] = []
    for group in members:
        occurrences = [item for text in group for item in by_text[text]]
        reasons = Counter(str(item.get("reason", "")) for item in occurrences)
        groups.append(
            {
                "example": group[0],
                "count": len(occurrences),
                "questions": [{"text": t, "count": len(by_text[t])} for t in group],
                "reasons": dict(reasons),
                "last_at": max(float(item.get("at", 0)) for item in occurrences),
            }
        )
    groups.sort(key=lambda g: (-int(g["count"]), -float(g["last_at"])))
    return groups
