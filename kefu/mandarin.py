"""``to_mandarin``: a message in Mainland Mandarin, whatever Chinese the customer wrote.

Traditional characters become simplified (OpenCC t2s) and the regional words of Hong Kong
Cantonese and Taiwan become the Mainland words the shop's FAQ, word lists and most training
examples use ("我啲嘢收到爛咗 點算" → "我的东西收到坏了 怎么办", "保固" → "保修"). The table is
``data/mandarin/regional.txt``; the NLU reads the same table (``rasa_addons/mandarin.py``, which
may not import kefu and restates the few lines below; ``tests/rasa_addons/test_mandarin.py``
holds the two to the same answers). Used for understanding only: what the customer wrote is
what is stored and shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from kefu.i18n import to_simplified

TABLE = Path(__file__).resolve().parent.parent / "data" / "mandarin" / "regional.txt"


def read_table(path: Path = TABLE) -> dict[str, str]:
    """``regional<TAB>Mandarin`` lines; '#' lines and blank lines skipped."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        regional, _, mandarin = line.partition("\t")
        table[regional.strip()] = mandarin.strip()
    return table


def _pattern(table: Mapping[str, str]) -> re.Pattern[str]:
    # Longest first, so "烂咗" wins over "咗" at the same place.
    return re.compile("|".join(re.escape(w) for w in sorted(table, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _compiled() -> tuple[dict[str, str], re.Pattern[str]]:
    table = read_table()
    return table, _pattern(table)


def regional_to_mandarin(simplified: str) -> str:
    """The table's words replaced in text already in simplified characters."""
    table, pattern = _compiled()
    return pattern.sub(lambda m: table[m.group(0)], simplified)


@lru_cache(maxsize=1024)
def to_mandarin(text: str) -> str:
    """Cached: the actions read one message through several word lists in a turn."""
    return regional_to_mandarin(to_simplified(text))
