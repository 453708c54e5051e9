"""The features of each candidate FAQ for one query (dense and lexical similarities, within
and across the FAQ's texts, the classifier's probability, and gaps to the best candidate):
what the learned re-ranker scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from knowledge_base.lang_index import LangIndex


@dataclass
class Candidates:
    faqs: np.ndarray  # candidate FAQ indexes
    features: np.ndarray  # (len(faqs), len(FEATURES))


FEATURES = (
    "dense_max",
    "dense_mean",
    "dense_centroid",
    "lexical_max",
    "lexical_doc",
    "classifier",
    "dense_gap",
    "lexical_gap",
    "classifier_gap",
    "dense_second",
)


def top(scores: np.ndarray, n: int) -> np.ndarray:
    if scores.shape[0] <= n:
        return np.arange(scores.shape[0])
    return np.argpartition(-scores, n)[:n]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])`` in three vector
    operations (the per-FAQ Python loop was a third of a query at 100k rows)."""
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    out: np.ndarray = np.arange(total, dtype=np.int64) + np.repeat(
        starts - (ends - lengths), lengths
    )
    return out


def _sparse_rows_dot(matrix: sparse.csr_matrix, rows: np.ndarray, qdense: np.ndarray) -> np.ndarray:
    """``matrix[rows] @ qdense`` without building the row-sliced sparse matrix: the stored
    entries of those rows, gathered and summed per row."""
    indptr = matrix.indptr
    lengths = (indptr[rows + 1] - indptr[rows]).astype(np.int64)
    pos = _ranges(indptr[rows].astype(np.int64), lengths)
    products = matrix.data[pos] * qdense[matrix.indices[pos]]
    out = np.zeros(len(rows), dtype=np.float64)
    nonempty = lengths > 0
    if products.size:
        offsets = np.cumsum(lengths) - lengths
        out[nonempty] = np.add.reduceat(products, offsets[nonempty], dtype=np.float64)
    return out.astype(np.float32)


def _segment_max(values: np.ndarray, seg_starts: np.ndarray) -> np.ndarray:
    """Per-segment maximum of contiguous, non-empty segments."""
    return np.maximum.reduceat(values, seg_starts).astype(np.float32)


def candidate_features(
    ix: LangIndex,
    faqs: np.ndarray,
    vector: np.ndarray,
    lex: sparse.csr_matrix,
    clf_probs: np.ndarray | None,
    exclude: int,
) -> np.ndarray:
    n = len(faqs)
    feats = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if n == 0:
        return feats
    starts, ends = ix.starts[faqs], ix.starts[faqs + 1]
    lengths = ends - starts
    rows = _ranges(starts, lengths)  # every FAQ has at least one row: no empty segment
    seg = np.repeat(np.arange(n), lengths)
    seg_starts = np.cumsum(lengths) - lengths
    dense = ix.vectors[rows] @ vector
    qdense = np.zeros(ix.lex_rows.shape[1], dtype=np.float32)
    qdense[lex.indices] = lex.data
    lexical = _sparse_rows_dot(ix.lex_rows, rows, qdense)
    # a FAQ's summed rows (its centroid, its lexical document): their dot products with the
    # query are the sums of its rows' (before the held-out row is taken out, below)
    dsum_dot = np.add.reduceat(dense, seg_starts, dtype=np.float64)
    lsum_dot = np.add.reduceat(lexical, seg_starts, dtype=np.float64)
    if exclude >= 0:
        mask = rows == exclude
        dense[mask] = -1.0
        lexical[mask] = -1.0
    d_max = np.maximum(_segment_max(dense, seg_starts), -1.0)
    l_max = np.maximum(_segment_max(lexical, seg_starts), -1.0)
    valid = np.ones(len(rows), dtype=bool) if exclude < 0 else rows != exclude
    counts = np.bincount(seg[valid], minlength=n).astype(np.float32)
    d_mean = np.bincount(seg[valid], weights=dense[valid], minlength=n) / np.maximum(counts, 1)
    # second best dense similarity within the FAQ: the best once more where it is tied,
    # else the best of the others (-1 for a FAQ of one row)
    at_max = dense == d_max[seg]
    ties = np.add.reduceat(at_max.astype(np.int64), seg_starts)
    others = np.where(at_max, -np.inf, dense)
    d_second = np.maximum(_segment_max(others, seg_starts), -1.0)
    d_second = np.where(ties >= 2, d_max, d_second).astype(np.float32)
    # centroids, with the held-out row taken out of its FAQ's sum
    dsum_norm = ix.dense_sum_norm[faqs].copy()
    lsum_n2 = ix.lex_sum_norm2[faqs].copy()
    if exclude >= 0:
        hit = np.nonzero(faqs == ix.row_faq[exclude])[0]
        if len(hit):
            i = hit[0]
            dsum = ix.dense_sum[faqs[i]] - ix.vectors[exclude]
            dsum_dot[i] -= float(ix.vectors[exclude] @ vector)
            dsum_norm[i] = np.linalg.norm(dsum)
            x = ix.lex_rows[exclude]
            lsum_dot[i] -= float((x @ qdense)[0])
            cross = float((ix.lex_sum[faqs[i]] @ x.T).toarray().ravel()[0])
            lsum_n2[i] = lsum_n2[i] - 2 * cross + float(x.multiply(x).sum())
    d_cent = dsum_dot / np.maximum(dsum_norm, 1e-6)
    l_doc = lsum_dot / np.sqrt(np.maximum(lsum_n2, 1e-12))
    clf = clf_probs[faqs] if clf_probs is not None else np.zeros(n, dtype=np.float32)
    feats[:, 0] = d_max
    feats[:, 1] = d_mean
    feats[:, 2] = d_cent
    feats[:, 3] = np.maximum(l_max, 0)
    feats[:, 4] = np.maximum(l_doc, 0)
    feats[:, 5] = clf
    feats[:, 6] = d_max - d_max.max()
    feats[:, 7] = feats[:, 3] - feats[:, 3].max()
    feats[:, 8] = clf - clf.max()
    feats[:, 9] = np.where(d_second > -1, d_second, d_max)
    return feats
