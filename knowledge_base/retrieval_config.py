"""How retrieval is configured (one frozen settings object per index build)."""

from __future__ import annotations

from dataclasses import dataclass

METHODS = ("dense", "fusion", "full")


@dataclass(frozen=True)
class RetrievalConfig:
    method: str = "full"  # "dense" (encoder alone), "fusion" (dense + 0.5 lexical), "full"
    exact_max_rows: int = 50_000  # exact IndexFlatIP up to here, HNSW above
    dense_rows: int = 64  # nearest index rows fetched from FAISS per query
    lexical_rows: int = 64  # best lexical rows per query
    lexical_exact_rows: int = 50_000  # exact lexical candidate scoring up to here; above:
    lexical_max_terms: int = 12  # only the query's rarest n-grams propose candidates,
    lexical_max_df: int = 5_000  # each in at most this many rows
    lexical_word_weight: float = 0.0  # jieba words beside the char n-grams (0: off)
    classifier_top: int = 10  # best classifier FAQs added to the candidates
    classifier_max_faqs: int = 3000  # above this many FAQs, no per-FAQ classifier
    classifier_tfidf_max_faqs: int = 0  # TF-IDF features in the classifier up to here (off:
    # measured no better than the embedding alone, and several times slower to train)
    classifier_folds: int = 3
    train_max_queries: int = 3000
    ann: str = "hnsw"  # above exact_max_rows: "hnsw" or "ivf"
    hnsw_m: int = 32
    ivf_probe: int = 16
    hnsw_ef_search: int = 64  # HNSW's search breadth: at 100k rows 64 kept the recall@1/@5
    # of 128 for less CPU (bench/README.md, issue 17)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown retrieval method {self.method!r}; one of {METHODS}")
