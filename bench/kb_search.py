"""Knowledge-base search benchmark: latency per query (query encoding included), index build
rate and memory, at 10k / 100k / 1M index rows.

    .venv/bin/python bench/kb_search.py --rows 10000 --rows 100000 --rows 1000000

Rows are index rows (a question or a similar question); synthetic FAQs have 3 rows each, built
by varying the demo FAQs' questions with product names and phrasing. Rows are encoded with the
packaged USE encoder up to ``--encode-max`` rows (200k by default: real text rows, the full
method, the learned layer the product trains at that size); the row vectors are cached under
``--cache-dir`` so a second run does not encode them again. Above ``--encode-max`` the dense part
of the rows uses random unit vectors (encoding 1M rows with USE on 2 shared cores takes far too
long) and the output says so (``dense_rows``). Queries are always encoded for real, so
per-query latency includes encoding. Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge_base.demo import demo_faqs
from knowledge_base.encoders import CachedEncoder, UseEncoder, make_encoder
from knowledge_base.faq import Faq
from knowledge_base.retriever import LangIndex, RetrievalConfig, Retriever, limit_blas_threads


def _words(text: str) -> list[str]:
    return text.split()


PREFIXES = ["", "请问", "你好，", "麻烦问下", "我想问一下", "客服，", "亲，"]
SUFFIXES = ["", "？", "呢", "啊", "谢谢", "急"]
ADJ = _words(
    "红 蓝 黑 白 大 小 新款 经典 轻薄 加厚 无线 智能 儿童 男士 女士 便携 迷你 旗舰 高端 基础"
)
NOUN = _words(
    "手机 耳机 外套 裤子 鞋子 背包 水杯 台灯 键盘 鼠标 手表 音箱 枕头 被子 毛巾 牙刷 "
    "吹风机 电饭煲 空调 冰箱 相机 平板 充电宝 数据线 口红 面膜 奶粉 尿不湿 猫粮 狗粮"
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def synthetic_faqs(rows: int, seed: int = 0) -> list[Faq]:
    rng = random.Random(seed)
    base = [f for f in demo_faqs() if f.lang == "zh"]
    out = []
    for i in range(rows // 3):
        src = base[i % len(base)]
        product = rng.choice(ADJ) + rng.choice(NOUN) + str(i)
        texts = rng.sample(src.texts, 3)
        qs = [rng.choice(PREFIXES) + product + t + rng.choice(SUFFIXES) for t in texts]
        out.append(Faq(f"s{i}", qs[0], src.answer, tuple(qs[1:]), src.category, "zh"))
    return out


class RandomRows:
    """Encoder for index rows: real USE for queries (short lists), random unit vectors for the
    big row batches of the build."""

    def __init__(self, real, build_limit: int) -> None:  # type: ignore[no-untyped-def]
        self.real, self.name, self.dim = real, real.name + "+random-rows", real.dim
        self.build_limit = build_limit
        self.rng = np.random.default_rng(0)

    def encode(self, texts):  # type: ignore[no-untyped-def]
        if len(texts) < self.build_limit:
            return self.real.encode(texts)
        v = self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


class CachedRows:
    """The real encoder, with every text it has encoded kept in a file: the next run of the
    same size reads the row vectors instead of encoding 100k rows again."""

    def __init__(self, real, path: Path) -> None:  # type: ignore[no-untyped-def]
        self.real, self.name, self.dim, self.path = real, real.name, real.dim, path
        self.known: dict[str, np.ndarray] = {}
        self.added = 0
        if path.exists():
            data = np.load(path, allow_pickle=False)
            self.known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def encode(self, texts):  # type: ignore[no-untyped-def]
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            for text, vector in zip(missing, self.real.encode(missing), strict=True):
                self.known[text] = vector
            self.added += len(missing)
        return np.stack([self.known[t] for t in texts]).astype(np.float32)

    def save(self) -> None:
        if self.added:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            texts = list(self.known)
            tmp = self.path.with_suffix(".tmp.npz")
            np.savez(tmp, texts=np.asarray(texts), vectors=np.stack([self.known[t] for t in texts]))
            tmp.replace(self.path)


def run(
    rows: int,
    encode_max: int,
    queries: int,
    ann: str,
    cache_dir: Path,
    ef_search: list[int] | None = None,
    token_cache: list[int] | None = None,
) -> dict[str, object]:
    real = make_encoder()
    real.encode(["预热"])
    faqs = synthetic_faqs(rows)
    cached = CachedRows(real, cache_dir / f"kb_rows-{real.name}-{rows}.npz")
    encoder = cached if rows <= encode_max else RandomRows(real, build_limit=200)
    config = RetrievalConfig(method="full", ann=ann)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    retriever = Retriever.build(faqs, encoder, config)
    build_s = time.perf_counter() - started
    after = rss_mb()
    cached.save()
    for lang_index in retriever.indexes.values():
        lang_index.encoder = real  # queries are encoded for real, every time (not cached rows)
    index: LangIndex = retriever.indexes["zh"]
    rng = random.Random(1)
    probes: list[tuple[str, str]] = []  # (query, the FAQ it was made from)
    for _ in range(queries):
        faq = faqs[rng.randrange(len(faqs))]
        text = rng.choice(faq.texts)
        # a customer-like variant: drop a character, add a colloquial ending
        cut = rng.randrange(len(text))
        probes.append((text[:cut] + text[cut + 1 :] + rng.choice(["吗", "呀", "", "？"]), faq.id))
    for q, _ in probes[:20]:
        retriever.search(q, "zh")
    enc = []
    enc_cpu = []
    cpu0 = time.process_time()
    for q, _ in probes[:200]:
        t0, c0 = time.perf_counter(), time.process_time()
        real.encode([q])
        enc_cpu.append((time.process_time() - c0) * 1000)
        enc.append((time.perf_counter() - t0) * 1000)
    encode_cpu_ms = (time.process_time() - cpu0) * 1000 / len(enc)
    out: dict[str, object] = {
        "rows": len(index.row_faq),
        "faqs": len(faqs),
        "index": type(index.index).__name__,
        "dense_rows": real.name if encoder is cached else "random unit vectors",
        "rows_encoded_this_run": cached.added,
        "classifier": index.classifier is not None,
        "reranker": index.reranker is not None,
        "build_s": round(build_s, 1),
        "build_rows_per_s": round(len(index.row_faq) / build_s),
        "memory_mb": round(after - before),
        "queries": len(probes),
        "query_encoding_ms_p50": round(float(np.percentile(enc, 50)), 2),
        "query_encoding_ms_p99": round(float(np.percentile(enc, 99)), 2),
        "query_encoding_cpu_ms": round(encode_cpu_ms, 2),
        "query_encoding_cpu_ms_p50": round(float(np.percentile(enc_cpu, 50)), 2),
        "query_encoding_cpu_ms_p99": round(float(np.percentile(enc_cpu, 99)), 2),
    }
    hnsw = getattr(index.index, "hnsw", None)
    settings = ef_search if hnsw is not None and ef_search else [None]
    for ef in settings:
        if ef is not None:
            hnsw.efSearch = ef
        out[f"ef_search={ef or (hnsw.efSearch if hnsw else '-')}"] = _measure(retriever, probes)
    for n, tokens in enumerate(token_cache or []):
        # the same index and queries with another query encoder, in the order given (alternate
        # them: 0,2048,0,2048 measures before/after in one period)
        other = UseEncoder(token_cache=tokens)
        for lang_index in retriever.indexes.values():
            lang_index.encoder = other
        for q, _ in probes[:20]:
            retriever.search(q, "zh")
        measured: dict[str, object] = dict(_measure(retriever, probes))
        measured.update(_token_stats(other))
        out[f"token_cache={tokens}#{n + 1}"] = measured
    for lang_index in retriever.indexes.values():
        lang_index.encoder = real
    out.update(_token_stats(real))
    out["query_cache"] = _measure_cached(retriever, probes, real)
    return out


def _token_stats(encoder: object) -> dict[str, object]:
    """Tokens of the queries found in the use-m3 pass's per-token rows / computed anew."""
    one_pass = getattr(encoder, "_query", None)
    if one_pass is None:
        return {}
    return {"token_rows_found": one_pass.token_hits, "token_rows_computed": one_pass.token_misses}


def _measure_cached(
    retriever: Retriever, probes: list[tuple[str, str]], real: object
) -> dict[str, object]:
    """The serving path's query-vector cache (``open_searcher`` wraps the encoder in
    ``CachedEncoder``): every query searched twice in a row, as one customer turn can (a flow's
    decision step, then the FAQ action on the same message). The first search of a text pays
    the encoder and the cache's book-keeping; the second is answered from the cache."""
    cached = CachedEncoder(real, size=1024)  # type: ignore[arg-type]
    for lang_index in retriever.indexes.values():
        lang_index.encoder = cached
    try:
        first = [q for q, _ in probes]
        cpu: dict[str, list[float]] = {"first": [], "again": []}
        lat: dict[str, list[float]] = {"first": [], "again": []}
        for q in first:
            for which in ("first", "again"):
                c0, t0 = time.process_time(), time.perf_counter()
                retriever.search(q, "zh", k=5)
                lat[which].append((time.perf_counter() - t0) * 1000)
                cpu[which].append((time.process_time() - c0) * 1000)
        out: dict[str, object] = {"distinct_queries": len(set(first)), "hits": cached.hits}
        for which in ("first", "again"):
            arr = np.asarray(lat[which])
            out[which] = {
                "latency_ms_p50": round(float(np.percentile(arr, 50)), 2),
                "latency_ms_p99": round(float(np.percentile(arr, 99)), 2),
                "cpu_ms_per_query": round(float(np.mean(cpu[which])), 2),
                "cpu_ms_p50": round(float(np.percentile(cpu[which], 50)), 2),
                "cpu_ms_p99": round(float(np.percentile(cpu[which], 99)), 2),
            }
        return out
    finally:
        for lang_index in retriever.indexes.values():
            lang_index.encoder = real  # type: ignore[assignment]


def _measure(retriever: Retriever, probes: list[tuple[str, str]]) -> dict[str, float]:
    """Latency (wall and process CPU, query encoding included) and recall of the FAQ each
    query was made from."""
    lat = []
    cpu = []
    at1 = at5 = 0
    cpu0 = time.process_time()
    for q, faq_id in probes:
        t0, c0 = time.perf_counter(), time.process_time()
        hits = retriever.search(q, "zh", k=5)
        cpu.append((time.process_time() - c0) * 1000)
        lat.append((time.perf_counter() - t0) * 1000)
        ids = [h.faq_id for h in hits]
        at1 += bool(ids) and ids[0] == faq_id
        at5 += faq_id in ids
    search_cpu_ms = (time.process_time() - cpu0) * 1000 / len(probes)
    arr = np.asarray(lat)
    return {
        "latency_ms_p50": round(float(np.percentile(arr, 50)), 2),
        "latency_ms_p99": round(float(np.percentile(arr, 99)), 2),
        # process CPU time (all threads): what other load on a shared machine does not inflate
        "cpu_ms_per_query": round(search_cpu_ms, 2),
        "cpu_ms_p50": round(float(np.percentile(cpu, 50)), 2),
        "cpu_ms_p99": round(float(np.percentile(cpu, 99)), 2),
        "recall_at_1": round(at1 / len(probes), 4),
        "recall_at_5": round(at5 / len(probes), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="index rows (repeatable)")
    parser.add_argument(
        "--encode-max",
        type=int,
        default=200_000,
        help="encode rows with USE up to this many; random vectors above",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path.home() / ".cache" / "kefu-bench",
        help="where encoded row vectors are kept between runs",
    )
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--ann", choices=["hnsw", "ivf"], default="hnsw")
    parser.add_argument(
        "--ef-search",
        type=int,
        action="append",
        help="HNSW efSearch values to measure on the same index (repeatable; default: the "
        "configured one)",
    )
    parser.add_argument(
        "--token-cache",
        type=int,
        action="append",
        help="also measure with a use-m3 encoder keeping this many tokens' first layer "
        "(repeatable, in order; 0 = the package's own pass)",
    )
    args = parser.parse_args()
    limit_blas_threads(1)  # as open_searcher does in the serving processes
    for rows in args.rows or [10_000]:
        print(
            json.dumps(
                run(
                    rows,
                    args.encode_max,
                    args.queries,
                    args.ann,
                    args.cache_dir,
                    args.ef_search,
                    args.token_cache,
                )
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
