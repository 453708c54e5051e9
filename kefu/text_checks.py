"""Checks on text that arrives from outside, shared by every entry point."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["has_lone_surrogate"]


def has_lone_surrogate(raw: str | bytes, parsed: Any) -> bool:
    """True when parsed JSON holds a lone UTF-16 surrogate (only a ``\\udXXX`` escape can put
    one there), which no UTF-8 store (Redis, SQL, logs) accepts."""
    marker = b"\\u" if isinstance(raw, bytes) else "\\u"
    if marker not in raw:  # type: ignore[operator]
        return False
    try:
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
