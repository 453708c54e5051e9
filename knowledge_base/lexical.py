"""The lexical channel: character 1–3-gram TF-IDF over every FAQ text, a fast query vector,
and candidate FAQs from the best-matching rows (bounded work per query at any size)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge_base.features import top

if TYPE_CHECKING:
    from knowledge_base.lang_index import LangIndex


def build_lexical(ix: LangIndex, texts: list[str]) -> None:
    ix.tfidf = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32
    )
    rows = ix.tfidf.fit_transform(texts).tocsr()
    ix.analyse = ix.tfidf.build_analyzer()
    ix.vocabulary = ix.tfidf.vocabulary_
    ix.idf = ix.tfidf.idf_.astype(np.float32)
    ix.lex_rows = rows
    ix.lex_cols = rows.tocsc()
    summed = sparse.csr_matrix(
        (np.ones(len(texts), dtype=np.float32), (ix.row_faq, np.arange(len(texts)))),
        shape=(len(ix.faqs), len(texts)),
    )
    ix.lex_sum = (summed @ rows).tocsr()
    ix.lex_sum_norm2 = np.asarray(ix.lex_sum.multiply(ix.lex_sum).sum(axis=1)).ravel()


def lexical_vector(ix: LangIndex, text: str) -> sparse.csr_matrix:
    """The TF-IDF row of one text, without scikit-learn's per-call validation overhead."""
    counts: dict[int, int] = {}
    vocabulary = ix.vocabulary
    for gram in ix.analyse(text):
        col = vocabulary.get(gram)
        if col is not None:
            counts[col] = counts.get(col, 0) + 1
    if not counts:
        return sparse.csr_matrix((1, len(ix.idf)), dtype=np.float32)
    cols = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    data = (1.0 + np.log(tf)) * ix.idf[cols]
    data /= np.linalg.norm(data)
    order = np.argsort(cols)
    indptr = np.array([0, len(cols)], dtype=np.int32)
    return sparse.csr_matrix(
        (data[order], cols[order], indptr), shape=(1, len(ix.idf)), dtype=np.float32
    )


def lexical_candidates(ix: LangIndex, lex: sparse.csr_matrix, exclude: int) -> np.ndarray:
    """FAQs of the best lexical rows. Exact up to ``lexical_exact_rows`` index rows; above,
    only the query's rarest n-grams (short posting lists) propose candidates, so the work
    per query stays bounded at a million rows — the exact lexical features are computed
    for every candidate afterwards anyway."""
    cfg = ix.config
    n_rows = ix.lex_rows.shape[0]
    if n_rows <= cfg.lexical_exact_rows:
        row_scores = np.asarray(ix.lex_cols[:, lex.indices] @ lex.data).ravel()
        if exclude >= 0:
            row_scores[exclude] = 0.0
        best = top(row_scores, cfg.lexical_rows)
        return ix.row_faq[best[row_scores[best] > 0]]  # type: ignore[no-any-return]
    indptr, indices, data = ix.lex_cols.indptr, ix.lex_cols.indices, ix.lex_cols.data
    df = indptr[lex.indices + 1] - indptr[lex.indices]
    order = [i for i in np.argsort(df, kind="stable") if 0 < df[i] <= cfg.lexical_max_df]
    order = order[: cfg.lexical_max_terms]
    if not order:
        return np.zeros(0, dtype=np.int64)
    rows = np.concatenate(
        [indices[indptr[lex.indices[i]] : indptr[lex.indices[i] + 1]] for i in order]
    )
    weights = np.concatenate(
        [data[indptr[lex.indices[i]] : indptr[lex.indices[i] + 1]] * lex.data[i] for i in order]
    )
    unique, inverse = np.unique(rows, return_inverse=True)
    scores = np.bincount(inverse, weights=weights)
    if exclude >= 0:
        scores[unique == exclude] = 0.0
    best = top(scores, cfg.lexical_rows)
    return ix.row_faq[unique[best[scores[best] > 0]]]  # type: ignore[no-any-return]
