"""Retrieval over a set of FAQs: dense (FAISS) + lexical (char n-gram TF-IDF) candidates,
re-scored by a layer learned from the knowledge base's own similar questions.

How the learned layer is trained, with nothing but the FAQs themselves: every question of the
knowledge base (title or similar question) is used once as a query against the index with that
one row held out — exactly the situation of a new customer phrasing. That gives, per query, a
set of candidate FAQs with features (dense and lexical similarities, a classifier's probability)
and a label (right FAQ or not). A per-FAQ classifier (logistic regression over the sentence
embedding and TF-IDF) supplies out-of-fold probabilities; a logistic re-ranker on the candidate
features turns everything into one score that is a probability of being the right answer —
which is what makes one "confident" threshold and one "ask to choose" threshold meaningful.
A few built-in off-topic sentences are added as queries with no right answer so that "not
found" is learned too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import faiss
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from knowledge_base.api import Hit, Thresholds
from knowledge_base.encoders import Encoder
from knowledge_base.faq import Faq
from knowledge_base.text import normalise

log = logging.getLogger(__name__)

METHODS = ("dense", "fusion", "full")

# Off-topic sentences: training queries that have no right FAQ ("not found" is learned too).
_OFF_TOPIC = (
    "今天天气怎么样",
    "给我讲个笑话吧",
    "你喜欢吃什么",
    "明天会下雨吗",
    "帮我写一首诗",
    "股票明天会涨吗",
    "附近有什么好吃的餐馆",
    "你几岁了",
    "现在几点了",
    "世界上最高的山是哪座",
    "我想学英语",
    "推荐一部电影",
    "猫为什么喜欢睡觉",
    "1加1等于几",
    "今天星期几",
    "what's the weather like today",
    "tell me a joke",
    "who won the football match",
    "what time is it",
    "recommend a good movie",
    "how tall is mount everest",
    "哈哈哈",
    "asdfghjkl",
    "嗯嗯",
    "你是谁啊",
    "我好无聊",
)


@dataclass(frozen=True)
class RetrievalConfig:
    method: str = "full"  # "dense" (encoder alone), "fusion" (dense + 0.5 lexical), "full"
    exact_max_rows: int = 50_000  # exact IndexFlatIP up to here, HNSW above
    dense_rows: int = 64  # nearest index rows fetched from FAISS per query
    lexical_rows: int = 64  # best lexical rows per query
    lexical_exact_rows: int = 50_000  # exact lexical candidate scoring up to here; above:
    lexical_max_terms: int = 12  # only the query's rarest n-grams propose candidates,
    lexical_max_df: int = 5_000  # each in at most this many rows
    classifier_top: int = 10  # best classifier FAQs added to the candidates
    classifier_max_faqs: int = 3000  # above this many FAQs, no per-FAQ classifier
    classifier_tfidf_max_faqs: int = 0  # TF-IDF features in the classifier up to here (off:
    # measured no better than the embedding alone, and several times slower to train)
    classifier_folds: int = 3
    train_max_queries: int = 3000
    ann: str = "hnsw"  # above exact_max_rows: "hnsw" or "ivf"
    hnsw_m: int = 32
    ivf_probe: int = 16
    hnsw_ef_search: int = 128
    seed: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown retrieval method {self.method!r}; one of {METHODS}")


@dataclass
class _Candidates:
    faqs: np.ndarray  # candidate FAQ indexes
    features: np.ndarray  # (len(faqs), N_FEATURES)


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


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    if scores.shape[0] <= n:
        return np.arange(scores.shape[0])
    return np.argpartition(-scores, n)[:n]


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
    tfidf: TfidfVectorizer = field(init=False)
    lex_rows: sparse.csr_matrix = field(init=False)
    lex_cols: sparse.csc_matrix = field(init=False)
    lex_sum: sparse.csr_matrix = field(init=False)
    lex_sum_norm2: np.ndarray = field(init=False)
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
        self._build_lexical(texts)
        if self.config.method == "full":
            self._train(vectors)
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

    def _build_lexical(self, texts: list[str]) -> None:
        self.tfidf = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32
        )
        rows = self.tfidf.fit_transform(texts).tocsr()
        self._analyse = self.tfidf.build_analyzer()
        self._vocabulary = self.tfidf.vocabulary_
        self._idf = self.tfidf.idf_.astype(np.float32)
        self.lex_rows = rows
        self.lex_cols = rows.tocsc()
        summed = sparse.csr_matrix(
            (np.ones(len(texts), dtype=np.float32), (self.row_faq, np.arange(len(texts)))),
            shape=(len(self.faqs), len(texts)),
        )
        self.lex_sum = (summed @ rows).tocsr()
        self.lex_sum_norm2 = np.asarray(self.lex_sum.multiply(self.lex_sum).sum(axis=1)).ravel()

    # ------------------------------------------------------------------ query side

    def embed_query(self, text: str) -> tuple[np.ndarray, sparse.csr_matrix]:
        vector = self.encoder.encode([text])[0]
        return vector, self.lexical_vector(text)

    def lexical_vector(self, text: str) -> sparse.csr_matrix:
        """The TF-IDF row of one text, without scikit-learn's per-call validation overhead."""
        counts: dict[int, int] = {}
        vocabulary = self._vocabulary
        for gram in self._analyse(text):
            col = vocabulary.get(gram)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        if not counts:
            return sparse.csr_matrix((1, len(self._idf)), dtype=np.float32)
        cols = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        data = (1.0 + np.log(tf)) * self._idf[cols]
        data /= np.linalg.norm(data)
        order = np.argsort(cols)
        indptr = np.array([0, len(cols)], dtype=np.int32)
        return sparse.csr_matrix(
            (data[order], cols[order], indptr), shape=(1, len(self._idf)), dtype=np.float32
        )

    def _classifier_input(self, vectors: np.ndarray, lex: sparse.csr_matrix) -> Any:
        if self.clf_tfidf:
            return sparse.hstack([sparse.csr_matrix(vectors), lex]).tocsr()
        return vectors

    def _classifier_probs(self, clf: Any, vectors: np.ndarray, lex: Any) -> np.ndarray:
        probs = np.zeros((vectors.shape[0], len(self.faqs)), dtype=np.float32)
        dense_w, lex_w, bias = _classifier_weights(clf, vectors.shape[1])
        logits = vectors @ dense_w + bias
        if self.clf_tfidf:
            logits += np.asarray(lex @ lex_w)
        if logits.shape[1] == 1:  # two classes: scikit-learn keeps one column
            logits = np.hstack([-logits, logits]) / 2
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probs[:, clf.classes_] = exp / exp.sum(axis=1, keepdims=True)
        return probs

    def candidates(
        self,
        vector: np.ndarray,
        lex: sparse.csr_matrix,
        clf_probs: np.ndarray | None,
        dense_hits: np.ndarray | None = None,
        exclude: int = -1,
    ) -> _Candidates:
        cfg = self.config
        if dense_hits is None:
            _, ids = self.index.search(vector[None, :], cfg.dense_rows)
            dense_hits = ids[0]
        rows = dense_hits[(dense_hits >= 0) & (dense_hits != exclude)]
        cand = set(self.row_faq[rows].tolist())
        if lex.nnz and cfg.method != "dense":
            cand.update(self._lexical_candidates(lex, exclude).tolist())
        if clf_probs is not None:
            cand.update(_top(clf_probs, cfg.classifier_top).tolist())
        faqs = np.fromiter(cand, dtype=np.int64, count=len(cand))
        return _Candidates(faqs, self._features(faqs, vector, lex, clf_probs, exclude))

    def _lexical_candidates(self, lex: sparse.csr_matrix, exclude: int) -> np.ndarray:
        """FAQs of the best lexical rows. Exact up to ``lexical_exact_rows`` index rows; above,
        only the query's rarest n-grams (short posting lists) propose candidates, so the work
        per query stays bounded at a million rows — the exact lexical features are computed
        for every candidate afterwards anyway."""
        cfg = self.config
        n_rows = self.lex_rows.shape[0]
        if n_rows <= cfg.lexical_exact_rows:
            row_scores = np.asarray(self.lex_cols[:, lex.indices] @ lex.data).ravel()
            if exclude >= 0:
                row_scores[exclude] = 0.0
            best = _top(row_scores, cfg.lexical_rows)
            return self.row_faq[best[row_scores[best] > 0]]  # type: ignore[no-any-return]
        indptr, indices, data = self.lex_cols.indptr, self.lex_cols.indices, self.lex_cols.data
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
        best = _top(scores, cfg.lexical_rows)
        return self.row_faq[unique[best[scores[best] > 0]]]  # type: ignore[no-any-return]

    def _features(
        self,
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
        starts, ends = self.starts[faqs], self.starts[faqs + 1]
        lengths = ends - starts
        rows = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
        seg = np.repeat(np.arange(n), lengths)
        dense = self.vectors[rows] @ vector
        qdense = np.zeros(self.lex_rows.shape[1], dtype=np.float32)
        qdense[lex.indices] = lex.data
        lexical = np.asarray(self.lex_rows[rows] @ qdense).ravel()
        if exclude >= 0:
            mask = rows == exclude
            dense[mask] = -1.0
            lexical[mask] = -1.0
        d_max = np.full(n, -1.0, dtype=np.float32)
        np.maximum.at(d_max, seg, dense)
        l_max = np.full(n, -1.0, dtype=np.float32)
        np.maximum.at(l_max, seg, lexical)
        valid = np.ones(len(rows), dtype=bool) if exclude < 0 else rows != exclude
        counts = np.bincount(seg[valid], minlength=n).astype(np.float32)
        d_mean = np.bincount(seg[valid], weights=dense[valid], minlength=n) / np.maximum(counts, 1)
        # second best dense similarity within the FAQ
        d_second = np.full(n, -1.0, dtype=np.float32)
        masked = dense.copy()
        order = np.lexsort((-masked, seg))
        first = np.r_[True, seg[order][1:] != seg[order][:-1]]
        rest = order[~first]
        np.maximum.at(d_second, seg[rest], masked[rest])
        # centroids, with the held-out row taken out of its FAQ's sum
        dsum = self.dense_sum[faqs].copy()
        lsum_dot = np.asarray(self.lex_sum[faqs] @ qdense).ravel()
        lsum_n2 = self.lex_sum_norm2[faqs].copy()
        if exclude >= 0:
            hit = np.nonzero(faqs == self.row_faq[exclude])[0]
            if len(hit):
                i = hit[0]
                dsum[i] -= self.vectors[exclude]
                x = self.lex_rows[exclude]
                lsum_dot[i] -= float((x @ qdense)[0])
                cross = float((self.lex_sum[faqs[i]] @ x.T).toarray().ravel()[0])
                lsum_n2[i] = lsum_n2[i] - 2 * cross + float(x.multiply(x).sum())
        d_cent = (dsum @ vector) / np.maximum(np.linalg.norm(dsum, axis=1), 1e-6)
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

    def score(self, cands: _Candidates) -> np.ndarray:
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
            clf_probs = self._classifier_probs(self.classifier, vector[None, :], lex)[0]
        cands = self.candidates(vector, lex, clf_probs)
        scores = self.score(cands)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(cands.faqs[i]), float(scores[i])) for i in order]

    # ------------------------------------------------------------------ learning

    def _train(self, vectors: np.ndarray) -> None:
        cfg = self.config
        n_rows = len(vectors)
        if len(self.faqs) < 2 or n_rows - len(self.faqs) < 2:
            log.info("kb: too few FAQs / similar questions to learn from; fusion scoring")
            return
        started = time.perf_counter()
        rng = np.random.default_rng(cfg.seed)
        oof = None
        if len(self.faqs) <= cfg.classifier_max_faqs:
            self.clf_tfidf = len(self.faqs) <= cfg.classifier_tfidf_max_faqs
            inputs = self._classifier_input(vectors, self.lex_rows)
            position = np.arange(n_rows) - self.starts[self.row_faq]
            folds = position % cfg.classifier_folds
            oof = np.zeros((n_rows, len(self.faqs)), dtype=np.float32)
            for fold in range(cfg.classifier_folds):
                test = np.nonzero(folds == fold)[0]
                train = np.nonzero(folds != fold)[0]
                if len(test) == 0 or len(np.unique(self.row_faq[train])) < 2:
                    continue
                clf = self._fit_classifier(inputs[train], self.row_faq[train])
                oof[test] = self._classifier_probs(clf, vectors[test], self.lex_rows[test])
            self.classifier = self._fit_classifier(inputs, self.row_faq)
        # queries: every row whose FAQ keeps at least one other row
        counts = np.diff(self.starts)
        eligible = np.nonzero(counts[self.row_faq] >= 2)[0]
        if len(eligible) > cfg.train_max_queries:
            eligible = rng.choice(eligible, cfg.train_max_queries, replace=False)
        _, dense_ids = self.index.search(vectors[eligible], cfg.dense_rows + 1)
        (
            xs,
            ys,
        ) = [], []
        for qi, row in enumerate(eligible):
            cands = self.candidates(
                vectors[row],
                self.lex_rows[row],
                oof[row] if oof is not None else None,
                dense_hits=dense_ids[qi],
                exclude=int(row),
            )
            xs.append(cands.features)
            ys.append((cands.faqs == self.row_faq[row]).astype(np.int8))
        off_topic = [normalise(t) for t in _OFF_TOPIC]
        off_vectors = self.encoder.encode(off_topic)
        for text, vector in zip(off_topic, off_vectors, strict=True):
            lex = self.lexical_vector(text)
            probs = None
            if self.classifier is not None:
                probs = self._classifier_probs(self.classifier, vector[None, :], lex)[0]
            cands = self.candidates(vector, lex, probs)
            xs.append(cands.features)
            ys.append(np.zeros(len(cands.faqs), dtype=np.int8))
        x = np.vstack(xs)
        y = np.concatenate(ys)
        if y.min() == y.max():
            return
        self.scaler = StandardScaler().fit(x)
        self.reranker = LogisticRegression(C=1.0, max_iter=1000).fit(self.scaler.transform(x), y)
        log.info(
            "kb: learned layer trained on %d queries (%d pairs) in %.1fs",
            len(eligible),
            len(y),
            time.perf_counter() - started,
        )

    def _fit_classifier(self, inputs: Any, labels: np.ndarray) -> LogisticRegression:
        return LogisticRegression(C=10.0, max_iter=300).fit(inputs, labels)


def _classifier_weights(clf: Any, dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The classifier's weights as contiguous float32 (dense part, lexical part, bias), made
    once per classifier: query-time scoring is then one small matrix-vector product."""
    cached = getattr(clf, "_kefu_weights", None)
    if cached is None:
        coef = np.asarray(clf.coef_, dtype=np.float32)
        cached = (
            np.ascontiguousarray(coef[:, :dim].T),
            np.ascontiguousarray(coef[:, dim:].T),
            np.asarray(clf.intercept_, dtype=np.float32),
        )
        clf._kefu_weights = cached
    return cached


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

    def search(self, query: str, lang: str | None = None, k: int = 5) -> list[Hit]:
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
