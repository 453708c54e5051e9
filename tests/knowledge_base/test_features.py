"""The learned layer's candidate features (knowledge_base/features.py), computed with vector
operations over all candidates at once, equal a plain per-FAQ computation of their meaning —
for a customer's query and for a training query with its own row held out."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.encoders import Encoder
from knowledge_base.faq import Faq
from knowledge_base.features import FEATURES, candidate_features
from knowledge_base.lang_index import LangIndex
from knowledge_base.retriever import RetrievalConfig, Retriever


@pytest.fixture(scope="module")
def index(small_faqs: list[Faq], encoder: Encoder) -> LangIndex:
    return Retriever.build(small_faqs, encoder, RetrievalConfig(method="fusion")).indexes["zh"]


def reference(ix: LangIndex, faqs: np.ndarray, vector: np.ndarray, lex, exclude: int):  # type: ignore[no-untyped-def]
    qdense = lex.toarray().ravel()
    lex_rows = ix.lex_rows.toarray()
    out = []
    for faq in faqs:
        rows = list(range(ix.starts[faq], ix.starts[faq + 1]))
        dense = [-1.0 if r == exclude else float(ix.vectors[r] @ vector) for r in rows]
        lexical = [-1.0 if r == exclude else float(lex_rows[r] @ qdense) for r in rows]
        kept = [r for r in rows if r != exclude]
        ordered = sorted(dense, reverse=True)
        centroid = sum((ix.vectors[r] for r in kept), np.zeros(ix.vectors.shape[1]))
        lex_sum = sum((lex_rows[r] for r in kept), np.zeros(lex_rows.shape[1]))
        out.append(
            {
                "dense_max": max(dense),
                "dense_mean": sum(dense[rows.index(r)] for r in kept) / max(len(kept), 1),
                "dense_centroid": float(centroid @ vector) / max(np.linalg.norm(centroid), 1e-6),
                "lexical_max": max(max(lexical), 0.0),
                "lexical_doc": max(
                    float(lex_sum @ qdense) / max(np.linalg.norm(lex_sum), 1e-6), 0.0
                ),
                "dense_second": ordered[1] if len(ordered) > 1 else ordered[0],
            }
        )
    for name, best in (("dense_gap", "dense_max"), ("lexical_gap", "lexical_max")):
        top = max(item[best] for item in out)
        for item in out:
            item[name] = item[best] - top
    return out


@pytest.mark.parametrize("held_out", [False, True])
def test_features_equal_their_per_faq_meaning(index: LangIndex, held_out: bool) -> None:
    rng = np.random.default_rng(3)
    checked = 0
    for row in rng.choice(len(index.row_faq), 15, replace=False):
        exclude = int(row) if held_out else -1
        vector, lex = index.vectors[row].copy(), index.lex_rows[row]
        # every FAQ is a candidate: FAQs of one row, of several, and the held-out row's own
        faqs = np.arange(len(index.faqs))
        got = candidate_features(index, faqs, vector, lex, None, exclude)
        want = reference(index, faqs, vector, lex, exclude)
        for i, item in enumerate(want):
            for name, value in item.items():
                assert got[i, FEATURES.index(name)] == pytest.approx(value, abs=1e-5), name
        checked += 1
    assert checked == 15


def test_a_tied_best_row_is_also_the_second_best(index: LangIndex) -> None:
    faq = next(i for i in range(len(index.faqs)) if index.starts[i + 1] - index.starts[i] >= 2)
    first = int(index.starts[faq])
    vector = index.vectors[first].copy()
    lex = index.lex_rows[first]
    saved = index.vectors[first + 1].copy()
    index.vectors[first + 1] = index.vectors[first]  # two identical texts in one FAQ
    try:
        got = candidate_features(index, np.array([faq]), vector, lex, None, -1)
    finally:
        index.vectors[first + 1] = saved
    assert got[0, FEATURES.index("dense_second")] == got[0, FEATURES.index("dense_max")]
