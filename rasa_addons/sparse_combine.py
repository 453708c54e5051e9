"""The ``sparse_combine`` patch: a message's sparse features joined without ``scipy.sparse.hstack``.

Before DIET runs, Rasa 3.6 joins each message's sparse features of one kind (the regex,
lexical-syntactic and two count-vector featurizers) with ``scipy.sparse.hstack`` of two
matrices at a time (``Features._combine_sparse_features``), five joins a parse. ``hstack``
goes through ``bmat``'s general path: an object array of blocks, each block converted to COO
again and re-checked, offsets and dtypes worked out in loops — ~80 µs a join for matrices of
a few rows, ~0.4 ms of a parse's ~4 ms (issue 17, bench/README.md).

Here two COO matrices are joined with the same arithmetic ``bmat`` does (the same data type —
``upcast`` of both —, the same index type for the joined shape, the entries of the first then
the second, the second's columns moved right by the first's width) into one ``coo_matrix``:
the same matrix, with the same arrays, in the same order
(``tests/rasa_addons/test_sparse_combine.py`` compares them with ``hstack``'s and whole parses
both ways). Anything else (a matrix that is not COO) still goes to ``hstack``.

Imports only Rasa's own dependencies (numpy, scipy) and the standard library.
"""

from __future__ import annotations

from typing import Any

# Joins made by the patched path (for the tests).
joins = 0


def hstack_two(first: Any, second: Any) -> Any:
    """``scipy.sparse.hstack([first, second])`` for two COO matrices, as ``bmat`` builds it."""
    global joins
    import numpy as np
    from scipy.sparse import coo_matrix, hstack, isspmatrix_coo
    from scipy.sparse._sputils import get_index_dtype, upcast

    if not (isspmatrix_coo(first) and isspmatrix_coo(second)) or first.shape[0] != second.shape[0]:
        return hstack([first, second])
    rows, width = first.shape[0], first.shape[1]
    shape = (rows, width + second.shape[1])
    dtype = upcast(first.dtype, second.dtype)
    idx_dtype = get_index_dtype(maxval=max(shape))
    split = first.nnz
    nnz = split + second.nnz
    data = np.empty(nnz, dtype=dtype)
    row = np.empty(nnz, dtype=idx_dtype)
    col = np.empty(nnz, dtype=idx_dtype)
    data[:split] = first.data
    data[split:] = second.data
    row[:split] = first.row
    row[split:] = second.row
    col[:split] = first.col
    np.add(second.col, width, out=col[split:], dtype=idx_dtype)
    joins += 1
    return coo_matrix((data, (row, col)), shape=shape)


def _combine_sparse_features(self: Any, additional_features: Any) -> None:
    """Rasa 3.6.21's ``Features._combine_sparse_features`` with ``hstack_two``."""
    if self.features.shape[0] != additional_features.features.shape[0]:
        raise ValueError(
            f"Cannot combine sparse features as sequence dimensions do not "
            f"match: {self.features.shape[0]} != "
            f"{additional_features.features.shape[0]}."
        )
    self.features = hstack_two(self.features, additional_features.features)
    self._cached_fingerprint = None


def patch_sparse_combine() -> None:
    from rasa.shared.nlu.training_data.features import Features

    Features._combine_sparse_features = _combine_sparse_features
