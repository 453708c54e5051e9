"""``kefu kb eval``: retrieval quality and latency on a throw-away index built from a file."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from knowledge_base.encoders import Encoder
from knowledge_base.faq import Faq, LabelledQuery
from knowledge_base.retriever import RetrievalConfig, Retriever, limit_blas_threads


def evaluate(
    faqs: Sequence[Faq],
    queries: Sequence[LabelledQuery],
    encoder: Encoder,
    config: RetrievalConfig | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    config = config or RetrievalConfig()
    limit_blas_threads(1)  # measure latency as the serving processes run it
    started = time.perf_counter()
    retriever = Retriever.build(faqs, encoder, config)
    build_s = time.perf_counter() - started
    hits1 = hits5 = 0
    rr = 0.0
    latencies = []
    for item in queries:
        t0 = time.perf_counter()
        hits = retriever.search(item.query, lang=lang, k=5)
        latencies.append((time.perf_counter() - t0) * 1000)
        ids = [h.faq_id for h in hits]
        gold = set(item.gold)
        rank = next((i for i, faq_id in enumerate(ids) if faq_id in gold), None)
        if rank is not None:
            hits1 += rank == 0
            hits5 += rank < 5
            rr += 1.0 / (rank + 1)
    n = max(len(queries), 1)
    lat = np.asarray(latencies or [0.0])
    return {
        "recall_at_1": round(hits1 / n, 4),
        "recall_at_5": round(hits5 / n, 4),
        "mrr": round(rr / n, 4),
        "queries": len(queries),
        "latency_ms_p50": round(float(np.percentile(lat, 50)), 3),
        "latency_ms_p99": round(float(np.percentile(lat, 99)), 3),
        "encoder": encoder.name,
        "method": config.method,
        "faqs": len(faqs),
        "build_seconds": round(build_s, 2),
    }
