"""Text normalisation shared by indexing and querying: one form for every channel.

Besides the character forms (full-width, traditional, case, emoji), two habits of customers'
typing get one form on both sides, so that the FAQ's wording and the customer's meet:

- a count written in Chinese numerals before a unit is written in digits ("七天" and "7天",
  "十五天" and "15天", "两年" and "2年");
- a question ending in the colloquial "么 / 嘛" ends in "吗" ("支持么" is "支持吗"; "什么",
  "怎么", "那么", "这么", "多么" stay);
- shop shorthand is written out: "7天无理由" is "7天无理由退货" (the policy's full name).
"""

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
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}  # fmt: skip
_UNITS = "天|日|个工作日|工作日|个小时|小时|周|个星期|星期|个月|年|次|件|元|块"
_COUNT = re.compile(rf"(?<![第星礼])([一二两三四五六七八九十]{{1,3}})(?=(?:{_UNITS}))")
_SHORTHAND = ((re.compile(r"无理由(?!退)"), "无理由退货"),)
_PARTICLE = re.compile(r"(?<![什怎那这多要])[么嘛](?=[\s!！。~～]*$|[?？])")


def _count(numeral: str) -> str | None:
    """A Chinese count up to 99 in digits ("十五" → "15", "三十" → "30"), None if it is not one."""
    if "十" not in numeral:
        return str(_DIGITS[numeral]) if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1 or tens in {"零", "两"}:
        return None
    value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return str(value)


def _digits(match: re.Match[str]) -> str:
    return _count(match.group(1)) or match.group(1)


def normalise(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case, no emoji,
    counts in digits, "么 / 嘛" questions as "吗", shorthand written out, single spaces; cut
    to ``limit`` characters so a pasted essay stays cheap."""
    text = unicodedata.normalize("NFKC", text or "")[: limit * 2]
    text = _NOISE.sub(" ", text)
    text = to_simplified(text).lower()
    text = _COUNT.sub(_digits, text)
    text = _PARTICLE.sub("吗", text)
    for pattern, full in _SHORTHAND:
        text = pattern.sub(full, text)
    return _SPACE.sub(" ", text).strip()[:limit]
