"""The ``sparse_combine`` patch (rasa_addons/sparse_combine.py): two COO matrices joined as
``scipy.sparse.hstack`` joins them (same arrays, dtypes and order), and every message parsed
exactly as Rasa parses it."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.rasa_proc import latest_model
from tests.rasa_addons.rasa_script import run_in_rasa

pytestmark = pytest.mark.rasa

# Run in .venv-rasa (its scipy is the one Rasa uses).
BOTH_WAYS = r"""
import asyncio, json, sys
import numpy as np
import scipy.sparse as sp
from rasa_addons import patches, sparse_combine

def described(m):
    return {"type": type(m).__name__, "shape": list(m.shape), "dtype": str(m.dtype),
            "data": m.data.tolist(), "row": m.row.tolist(), "col": m.col.tolist(),
            "row_dtype": str(m.row.dtype), "col_dtype": str(m.col.dtype)}

rng = np.random.default_rng(7)
pairs = []
for rows, w1, w2, d1, d2, t1, t2 in [
    (1, 30, 50, 0.2, 0.1, np.float32, np.float32),
    (7, 300, 2000, 0.05, 0.01, np.float32, np.float32),
    (3, 10, 10, 0.0, 0.5, np.float32, np.float64),   # one without entries, two dtypes
    (5, 40, 20, 0.3, 0.0, np.int64, np.float32),
    (2, 1, 1, 1.0, 1.0, np.float64, np.float64),
]:
    a = sp.random(rows, w1, density=d1, format="coo", dtype=t1, random_state=rng)
    b = sp.random(rows, w2, density=d2, format="coo", dtype=t2, random_state=rng)
    b.col = b.col.astype(np.int64)  # an index type the join must not keep
    pairs.append((a, b))
joined = [(described(sp.hstack([a, b])), described(sparse_combine.hstack_two(a, b)))
          for a, b in pairs]
mismatch = None
try:
    sparse_combine.hstack_two(sp.random(2, 3, format="coo"), sp.random(3, 3, format="coo"))
except ValueError as e:
    mismatch = str(e)
csr = sparse_combine.hstack_two(sp.random(2, 3, format="csr"), sp.random(2, 3, format="csr"))

from rasa.core.agent import Agent
patches.apply("model_load")
agent = Agent.load(sys.argv[1])
texts = [
    "你好", "我的订单20231120003到哪了", "查一下订单20231120002的状态", "谢谢", "退款一般几天到账",
    "where is my order 20231120003", "我要投诉", "發票抬頭寫錯了能重開嗎", "asdfgh qwerty",
]

def parse_all():
    return [json.dumps(asyncio.run(agent.parse_message(t)), sort_keys=True, default=str,
                       ensure_ascii=False) for t in texts]

released = parse_all()
before = sparse_combine.joins
sparse_combine.patch_sparse_combine()
patched = parse_all()
print(json.dumps({"joined": joined, "mismatch": mismatch, "csr": type(csr).__name__,
                  "released": released, "patched": patched,
                  "joins": sparse_combine.joins - before}, ensure_ascii=False))
"""


def _both_ways() -> dict[str, Any]:
    model = latest_model()
    assert model is not None, "no trained model in models/ (make model)"
    result: dict[str, Any] = run_in_rasa(BOTH_WAYS, str(model), timeout=600)
    return result


@pytest.mark.timeout(900)
def test_the_join_is_hstacks_and_parses_are_rasas():
    result = _both_ways()
    for expected, got in result["joined"]:
        assert got == expected  # type, shape, dtypes, and every entry in the same order
    # rows that do not match: scipy's error; not COO: scipy's own path (CSR stays CSR)
    assert result["mismatch"] is not None
    assert result["csr"] == "csr_matrix"
    # the patched join ran in every parse, and every parse is Rasa's to the last bit
    assert result["joins"] >= len(result["patched"])
    assert result["patched"] == result["released"]
