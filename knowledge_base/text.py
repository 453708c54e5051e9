"""Text normalisation shared by indexing and querying: one form for every channel."""

from __future__ import annotations

import re
import unicodedata

from kefu.i18n import to_simplified

MAX_QUERY_CHARS = 256
_SPACE = re.compile(r"\s+")
# Emoji, symbols and control characters carry no retrieval signal.
_NOISE = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe00-\U0000fe0f\U0000200b-\U0000200f"
    "\U00000000-\U0000001f]"
)


def normalise(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case, no emoji,
    single spaces; cut to ``limit`` characters so a pasted essay stays cheap."""
    text = unicodedata.normalize("NFKC", text or "")[: limit * 2]
    text = _NOISE.sub(" ", text)
    text = to_simplified(text).lower()
    return _SPACE.sub(" ", text).strip()[:limit]
