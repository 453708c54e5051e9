"""Everything retrieval needs for the FAQs of one language: the dense index (FAISS), the
lexical channel, the learned layer, and the query path (candidates → features → one score)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import faiss
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge_base.encoders import Encoder
from knowledge_base.faq import Faq
from knowledge_base.features import Candidates, candidate_features, top
from knowledge_base.learning import classifier_probs, train
from knowledge_base.lexical import build_lexical, lexical_candidates, lexical_vector
from knowledge_base.retrieval_config import RetrievalConfig
from knowledge_base.text import normalise


@dataclass
class LangIndex:
    """Everything retrieval needs for the FAQs of one language."""

    faqs: list[Faq]
    encoder: Encoder
    config: RetrievalConfig
    starts: np.ndarray = field(init=False)  # rows of FAQ i are starts[i]:starts[i+1]
    row_faq: np.ndarray = field(init=False)
    index: Any = field(init=False)
    vectors: np.ndarray = field(init=False)  # view of the index's stored vectors
    dense_sum: np.ndarray = field(init=False)
    dense_sum_norm: np.ndarray = field(init=False)
    tfidf: TfidfVectorizer = field(init=False)
    lex_rows: sparse.csr_matrix = field(init=False)
    lex_cols: sparse.csc_matrix = field(init=False)
    lex_sum: sparse.csr_matrix = field(init=False)
    lex_sum_norm2: np.ndarray = field(init=False)
    lex_parts: list[Any] = field(init=False)  # the analysers of the lexical space
    lex_width: int = field(init=False)
    classifier: Any = None
    clf_tfidf: bool = False
    scaler: Any = None
    reranker: Any = None

    # ------------------------------------------------------------------ build

    def build(self, progress: Callable[[int], None] | None = None) -> LangIndex:
        texts: list[str] = []
        starts = [0]
        for faq in self.faqs:
            texts.extend(normalise(t, limit=512) for t in faq.texts)
            starts.append(len(texts))
        self.starts = np.asarray(starts, dtype=np.int64)
        counts = np.diff(self.starts)
        self.row_faq = np.repeat(np.arange(len(self.faqs)), counts)
        vectors = self._encode(texts, progress)
        self._build_dense(vectors)
        build_lexical(self, texts)
        if self.config.method == "full":
            train(self, vectors)
        return self

    def _encode(self, texts: list[str], progress: Callable[[int], None] | None) -> np.ndarray:
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        batch = 256
        for start in range(0, len(texts), batch):
            chunk = texts[start : start + batch]
            out[start : start + len(chunk)] = self.encoder.encode(chunk)
            if progress:
                progress(len(chunk))
        return out

    def _build_dense(self, vectors: np.ndarray) -> None:
        dim = vectors.shape[1]
        index: Any
        storage: Any
        if len(vectors) <= self.config.exact_max_rows:
            index = faiss.IndexFlatIP(dim)
            storage = index
        elif self.config.ann == "ivf":
            lists = int(max(16, min(65536, 4 * np.sqrt(len(vectors)))))
            storage = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(storage, dim, lists, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(self.config.seed)
            sample = vectors[rng.choice(len(vectors), min(len(vectors), 40 * lists), False)]
            index.train(sample)
            index.nprobe = self.config.ivf_probe
            index.make_direct_map()
        else:
            index = faiss.IndexHNSWFlat(dim, self.config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = self.config.hnsw_ef_search
            storage = faiss.downcast_index(index.storage)
        index.add(vectors)
        self.index = index
        if self.config.ann == "ivf" and not isinstance(index, faiss.IndexFlatIP):
            # IVF keeps vectors in inverted lists; keep our own copy for exact re-scoring
            self.vectors = vectors
            self._keepalive = storage
        else:
            n = storage.ntotal
            self.vectors = faiss.rev_swig_ptr(storage.get_xb(), n * dim).reshape(n, dim)
        self.dense_sum = np.add.reduceat(vectors, self.starts[:-1], axis=0)
        self.dense_sum_norm = np.linalg.norm(self.dense_sum, axis=1)

    # ------------------------------------------------------------------ query side

    def embed_query(self, text: str) -> tuple[np.ndarray, sparse.csr_matrix]:
        vector = self.encoder.encode([text])[0]
        return vector, self.lexical_vector(text)

    def lexical_vector(self, text: str) -> sparse.csr_matrix:
        return lexical_vector(self, text)

    def candidates(
        self,
        vector: np.ndarray,
        lex: sparse.csr_matrix,
        clf_probs: np.ndarray | None,
        dense_hits: np.ndarray | None = None,
        exclude: int = -1,
    ) -> Candidates:
        cfg = self.config
        if dense_hits is None:
            _, ids = self.index.search(vector[None, :], cfg.dense_rows)
            dense_hits = ids[0]
        rows = dense_hits[(dense_hits >= 0) & (dense_hits != exclude)]
        cand = set(self.row_faq[rows].tolist())
        if lex.nnz and cfg.method != "dense":
            cand.update(lexical_candidates(self, lex, exclude).tolist())
        if clf_probs is not None:
            cand.update(top(clf_probs, cfg.classifier_top).tolist())
        faqs = np.fromiter(cand, dtype=np.int64, count=len(cand))
        return Candidates(faqs, candidate_features(self, faqs, vector, lex, clf_probs, exclude))

    def score(self, cands: Candidates) -> np.ndarray:
        f = cands.features
        if self.config.method == "dense" or len(f) == 0:
            clipped: np.ndarray = np.clip(f[:, 0], 0, 1)
            return clipped
        if self.config.method == "fusion" or self.reranker is None:
            # dense + 0.5 × lexical, squashed to [0, 1] with a fixed logistic curve
            raw = f[:, 0] + 0.5 * f[:, 3]
            squashed: np.ndarray = 1.0 / (1.0 + np.exp(-12.0 * (raw - 0.85)))
            return squashed
        z = ((f - self.scaler.mean_) / self.scaler.scale_) @ self.reranker.coef_[0]
        probability: np.ndarray = 1.0 / (1.0 + np.exp(-(z + self.reranker.intercept_[0])))
        return probability

    def search(self, text: str, k: int) -> list[tuple[int, float]]:
        vector, lex = self.embed_query(text)
        clf_probs = None
        if self.classifier is not None:
            clf_probs = classifier_probs(self, self.classifier, vector[None, :], lex)[0]
        cands = self.candidates(vector, lex, clf_probs)
        scores = self.score(cands)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(cands.faqs[i]), float(scores[i])) for i in order]
