"""The decision step's own CPU per turn (issue 11): what ``actions._decide`` costs on every
customer message — the knowledge-base score it needs (query normalisation, encoding, dense and
lexical candidates, the learned layer) and the rule itself (``focus``, ``decide``, the
two-question split) — on the packaged demo knowledge base, in this process, no servers.

    .venv/bin/python bench/decide_cpu.py [--rounds 30]

The mix is a bot turn's text as customers type it: FAQ questions (zh, zh-Hant, en), order
requests the NLU reads as flows, a long rambling message, chit-chat the rule keeps from the
knowledge base. CPU is ``time.thread_time`` (this thread only: BLAS runs single-threaded, as the
action server runs it). Prints per-part p50 / p99 / mean in milliseconds, JSON on the last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actions._decide import decide
from actions._reading import focus, split_questions
from knowledge_base.demo import DEMO_FAQS
from knowledge_base.encoders import make_encoder
from knowledge_base.faq import load_faqs
from knowledge_base.retriever import Retriever, limit_blas_threads

MIX: list[tuple[str, str, str]] = [  # (text, the NLU's intent, lang)
    ("退货运费谁出", "ask_faq", "zh"),
    ("要是退货的话 寄回去那个快递费谁掏", "request_return", "zh"),
    ("你们家支持7天无理由么", "ask_faq", "zh"),
    ("发票怎么开", "request_invoice", "zh"),
    ("我的快递到哪了", "track_shipment", "zh"),
    ("20231120002 大衣能换成L码吗", "change_order", "zh"),
    ("包邮吗？还有就是能开发票不", "ask_faq", "zh"),
    ("退貨的運費要自己付嗎", "request_return", "zh-Hant"),
    ("who pays the return shipping?", "request_return", "en"),
    ("my earbuds still haven't shown up, where are they?", "track_shipment", "en"),
    ("你好", "greet", "zh"),
    (
        "是这样的哈我跟你说 我上个月在你们家买了好多东西 有衣服有鞋子还有给我妈买的保温杯 "
        "然后呢我老公说衣服颜色不好看 我就想问问你们 那个退货的运费到底是谁出啊 因为我没买运费险",
        "nlu_fallback",
        "zh",
    ),
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_pct(values, 0.5), 3),
        "p99_ms": round(_pct(values, 0.99), 3),
        "mean_ms": round(statistics.fmean(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="times the mix is played")
    args = parser.parse_args()
    limit_blas_threads(1)
    started = time.perf_counter()
    retriever = Retriever.build(load_faqs(DEMO_FAQS), make_encoder())
    build_s = time.perf_counter() - started
    for text, _intent, lang in MIX:  # warm-up: caches, first-call allocations
        retriever.search(focus(text), lang, 3)
    kb_ms: list[float] = []
    rule_ms: list[float] = []
    turn_ms: list[float] = []
    for _ in range(args.rounds):
        for text, intent, lang in MIX:
            t0 = time.thread_time()
            hits = retriever.search(focus(text), lang, 3) if intent not in {"greet"} else []
            t1 = time.thread_time()
            decide(text, intent, hits, retriever.thresholds)
            split_questions(text)
            t2 = time.thread_time()
            kb_ms.append((t1 - t0) * 1000)
            rule_ms.append((t2 - t1) * 1000)
            turn_ms.append((t2 - t0) * 1000)
    result = {
        "turns": len(turn_ms),
        "faqs": retriever.size,
        "build_s": round(build_s, 1),
        "kb_score": _summary(kb_ms),
        "rule": _summary(rule_ms),
        "per_turn": _summary(turn_ms),
    }
    for part in ("kb_score", "rule", "per_turn"):
        figures = result[part]
        assert isinstance(figures, dict)
        print(f"{part:>9}: p50 {figures['p50_ms']} ms  p99 {figures['p99_ms']} ms  "
              f"mean {figures['mean_ms']} ms CPU")  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
