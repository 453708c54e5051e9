"""The learned layer, trained from the knowledge base alone: every FAQ text is used once as
a query with its own row held out (a new customer phrasing), giving candidates with features
and labels. A per-FAQ logistic classifier over the embedding supplies out-of-fold
probabilities; a logistic re-ranker over the candidate features turns everything into one score
that is a probability of being right. Built-in off-topic sentences are queries with no right
answer, so "not found" is learned too."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from knowledge_base.lexical import lexical_vector
from knowledge_base.text import normalise

if TYPE_CHECKING:
    from knowledge_base.lang_index import LangIndex

log = logging.getLogger(__name__)

# Off-topic sentences: training queries that have no right FAQ ("not found" is learned too).
OFF_TOPIC = (
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


def classifier_input(ix: LangIndex, vectors: np.ndarray, lex: sparse.csr_matrix) -> Any:
    if ix.clf_tfidf:
        return sparse.hstack([sparse.csr_matrix(vectors), lex]).tocsr()
    return vectors


def classifier_probs(ix: LangIndex, clf: Any, vectors: np.ndarray, lex: Any) -> np.ndarray:
    probs = np.zeros((vectors.shape[0], len(ix.faqs)), dtype=np.float32)
    dense_w, lex_w, bias = _classifier_weights(clf, vectors.shape[1])
    logits = vectors @ dense_w + bias
    if ix.clf_tfidf:
        logits += np.asarray(lex @ lex_w)
    if logits.shape[1] == 1:  # two classes: scikit-learn keeps one column
        logits = np.hstack([-logits, logits]) / 2
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    probs[:, clf.classes_] = exp / exp.sum(axis=1, keepdims=True)
    return probs


def train(ix: LangIndex, vectors: np.ndarray) -> None:
    cfg = ix.config
    n_rows = len(vectors)
    if len(ix.faqs) < 2 or n_rows - len(ix.faqs) < 2:
        log.info("kb: too few FAQs / similar questions to learn from; fusion scoring")
        return
    started = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)
    oof = None
    if len(ix.faqs) <= cfg.classifier_max_faqs:
        ix.clf_tfidf = len(ix.faqs) <= cfg.classifier_tfidf_max_faqs
        inputs = classifier_input(ix, vectors, ix.lex_rows)
        position = np.arange(n_rows) - ix.starts[ix.row_faq]
        folds = position % cfg.classifier_folds
        oof = np.zeros((n_rows, len(ix.faqs)), dtype=np.float32)
        for fold in range(cfg.classifier_folds):
            test = np.nonzero(folds == fold)[0]
            train = np.nonzero(folds != fold)[0]
            if len(test) == 0 or len(np.unique(ix.row_faq[train])) < 2:
                continue
            clf = fit_classifier(inputs[train], ix.row_faq[train])
            oof[test] = classifier_probs(ix, clf, vectors[test], ix.lex_rows[test])
        ix.classifier = fit_classifier(inputs, ix.row_faq)
    # queries: every row whose FAQ keeps at least one other row
    counts = np.diff(ix.starts)
    eligible = np.nonzero(counts[ix.row_faq] >= 2)[0]
    if len(eligible) > cfg.train_max_queries:
        eligible = rng.choice(eligible, cfg.train_max_queries, replace=False)
    _, dense_ids = ix.index.search(vectors[eligible], cfg.dense_rows + 1)
    (
        xs,
        ys,
    ) = [], []
    for qi, row in enumerate(eligible):
        cands = ix.candidates(
            vectors[row],
            ix.lex_rows[row],
            oof[row] if oof is not None else None,
            dense_hits=dense_ids[qi],
            exclude=int(row),
        )
        xs.append(cands.features)
        ys.append((cands.faqs == ix.row_faq[row]).astype(np.int8))
    off_topic = [normalise(t) for t in OFF_TOPIC]
    off_vectors = ix.encoder.encode(off_topic)
    for text, vector in zip(off_topic, off_vectors, strict=True):
        lex = lexical_vector(ix, text)
        probs = None
        if ix.classifier is not None:
            probs = classifier_probs(ix, ix.classifier, vector[None, :], lex)[0]
        cands = ix.candidates(vector, lex, probs)
        xs.append(cands.features)
        ys.append(np.zeros(len(cands.faqs), dtype=np.int8))
    x = np.vstack(xs)
    y = np.concatenate(ys)
    if y.min() == y.max():
        return
    ix.scaler = StandardScaler().fit(x)
    ix.reranker = LogisticRegression(C=1.0, max_iter=1000).fit(ix.scaler.transform(x), y)
    log.info(
        "kb: learned layer trained on %d queries (%d pairs) in %.1fs",
        len(eligible),
        len(y),
        time.perf_counter() - started,
    )


def fit_classifier(inputs: Any, labels: np.ndarray) -> LogisticRegression:
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
