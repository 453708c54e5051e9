"""The lexical channel: character 1–3-gram TF-IDF (and jieba words) over every FAQ text, a fast
query vector,
and candidate FAQs from the best-matching rows (bounded work per query at any size)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from knowledge_base.features import top

if TYPE_CHECKING:
    from knowledge_base.lang_index import LangIndex

SHOP_WORDS = Path(__file__).resolve().parent.parent / "data" / "jieba" / "shop_words.txt"


@dataclass(frozen=True)
class _Part:
    """One analyser of the lexical space: its vocabulary, idf, first column and weight."""

    analyse: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int
    weight: float


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """jieba with the shop words (data/jieba/shop_words.txt, the NLU's dictionary too)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if SHOP_WORDS.exists():
        # An open file, closed here: given a path, jieba opens the file and never closes it.
        with SHOP_WORDS.open("rb") as words_file:
            tokenizer.load_userdict(words_file)
    return tokenizer


def words(text: str) -> list[str]:
    """jieba words of an already normalised text (simplified, lower case), spaces dropped."""
    return [w for w in _jieba().lcut(text) if w.strip()]


# Words that carry no content of their own: pronouns, conjunctions, particles, prepositions,
# measure words, time words and the interjections of a question (jieba's tags), and the
# commonest words of asking and of English.
_EMPTY_FLAGS = ("r", "c", "u", "y", "p", "q", "t", "e", "o", "x", "w", "m")
_EMPTY_WORDS = frozenset(
    {
        "可以", "能不能", "是不是", "有没有", "还是", "就是", "什么", "怎么", "怎么样",
        "多少", "一下", "知道", "请问", "这个", "那个", "一个", "没有", "现在", "时候",
        "需要", "的话", "如果", "还有", "麻烦", "谢谢", "好的", "提供", "支持", "进行", "使用",
        "办理", "处理", "操作",
        "the", "a", "an", "and",
        "or", "but", "if", "is", "are", "was", "were", "be", "been", "do", "does", "did", "doing",
        "done", "have", "has", "had", "having", "can", "could", "will", "would", "should", "may",
        "might", "must", "shall", "i", "me", "my", "we", "our", "you", "your", "he", "she", "it",
        "its", "they", "them", "their", "this", "that", "these", "those", "there", "here", "what",
        "which", "who", "whom", "when", "where", "why", "how", "also", "please", "just", "still",
        "really", "actually", "anything", "something", "thing", "things", "get", "got", "gets",
        "make", "sure", "same", "deal", "want", "wants", "need", "needs", "know", "like", "any",
        "some", "all", "much", "many", "more", "most", "with", "without", "from", "into", "onto",
        "about", "for", "of", "in", "on", "at", "by", "to", "as", "so", "not", "no", "yes", "yeah",
        "ok", "okay", "too", "very", "then", "than", "one", "ones",
    }
)  # fmt: skip


def content_words(text: str) -> list[str]:
    """The words of an already normalised text that say what it is about ("开好了是寄纸质的还是发
    邮箱": 开好, 纸质, 邮箱; "no receipt with prices in the parcel": receipt, prices, parcel):
    two characters or more, none of the empty kinds or commonest words above."""
    return [
        w.word
        for w in _tagger().lcut(text)
        if len(w.word.strip()) >= 2
        and (w.flag == "eng" or not w.flag.startswith(_EMPTY_FLAGS))
        and w.word not in _EMPTY_WORDS
    ]


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_jieba())


def nouns(text: str) -> list[str]:
    """The nouns (jieba's part-of-speech tags n…) of an already normalised text: what a
    follow-up names ("秒杀买的也可以吗": 秒杀)."""
    return [w.word for w in _tagger().lcut(text) if w.flag.startswith("n") and w.word.strip()]


def build_lexical(ix: LangIndex, texts: list[str]) -> None:
    """Character 1–3-grams, plus jieba words when ``config.lexical_word_weight`` > 0, in one
    L2-normalised TF-IDF space (each part normalised, then weighted)."""
    ix.tfidf = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32
    )
    char_rows = ix.tfidf.fit_transform(texts).tocsr()
    parts = [_part(ix.tfidf, 0, 1.0)]
    rows = char_rows
    weight = ix.config.lexical_word_weight
    if weight > 0:
        word_tfidf = TfidfVectorizer(analyzer=words, sublinear_tf=True, dtype=np.float32)
        word_rows = word_tfidf.fit_transform(texts).tocsr()
        parts.append(_part(word_tfidf, char_rows.shape[1], weight))
        rows = normalize(sparse.hstack([char_rows, word_rows * weight]).tocsr()).astype(np.float32)
    ix.lex_parts = parts
    ix.lex_width = rows.shape[1]
    ix.lex_rows = rows
    ix.lex_cols = rows.tocsc()
    summed = sparse.csr_matrix(
        (np.ones(len(texts), dtype=np.float32), (ix.row_faq, np.arange(len(texts)))),
        shape=(len(ix.faqs), len(texts)),
    )
    ix.lex_sum = (summed @ rows).tocsr()
    ix.lex_sum_norm2 = np.asarray(ix.lex_sum.multiply(ix.lex_sum).sum(axis=1)).ravel()


def _part(vectorizer: TfidfVectorizer, offset: int, weight: float) -> _Part:
    return _Part(
        vectorizer.build_analyzer(),
        vectorizer.vocabulary_,
        vectorizer.idf_.astype(np.float32),
        offset,
        weight,
    )


def lexical_vector(ix: LangIndex, text: str) -> sparse.csr_matrix:
    """The TF-IDF row of one text, without scikit-learn's per-call validation overhead."""
    all_cols: list[np.ndarray] = []
    all_data: list[np.ndarray] = []
    for part in ix.lex_parts:
        counts: dict[int, int] = {}
        vocabulary = part.vocabulary
        for gram in part.analyse(text):
            col = vocabulary.get(gram)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        if not counts:
            continue
        cols = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        data = (1.0 + np.log(tf)) * part.idf[cols]
        data *= part.weight / np.linalg.norm(data)
        all_cols.append(cols + part.offset)
        all_data.append(data)
    if not all_cols:
        return sparse.csr_matrix((1, ix.lex_width), dtype=np.float32)
    cols = np.concatenate(all_cols)
    data = np.concatenate(all_data)
    data /= np.linalg.norm(data)
    order = np.argsort(cols)
    indptr = np.array([0, len(cols)], dtype=np.int32)
    return sparse.csr_matrix(
        (data[order], cols[order], indptr), shape=(1, ix.lex_width), dtype=np.float32
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
