"""Languages: telling a customer's (``zh`` simplified, ``zh-Hant`` traditional, ``en``) and
saying a text in it.

``detect_lang`` is cheap enough for every message: it counts CJK characters and checks whether
converting traditional → simplified (OpenCC tables) changes the text. ``say`` is how every
customer text is chosen: written once in simplified Chinese and in English, traditional derived
from the simplified with OpenCC (never typed by hand, so the two cannot drift apart).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Literal

Lang = Literal["zh", "zh-Hant", "en"]
LANGS: tuple[Lang, ...] = ("zh", "zh-Hant", "en")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc  # opencc-python-reimplemented: pure Python tables, no native build

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def detect_lang(text: str, default: Lang = "zh") -> Lang:
    cjk = _CJK.findall(text)
    if cjk:
        han = "".join(cjk)
        return "zh-Hant" if to_simplified(han) != han else "zh"
    if _LATIN.search(text):
        return "en"
    return default


def normalise_lang(value: str | None) -> Lang | None:
    """Accept what clients send (zh, zh-CN, zh-TW, zh-Hant, en-US, …); None if unknown."""
    if not value:
        return None
    v = value.strip().lower().replace("_", "-")
    if v.startswith("en"):
        return "en"
    if v in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or v.startswith("zh-hant"):
        return "zh-Hant"
    if v.startswith("zh"):
        return "zh"
    return None


def pick(lang: str | None, zh: str, en: str, zh_hant: str | None = None) -> str:
    """Choose the text for a language; traditional falls back to converting nothing."""
    if lang == "en":
        return en
    if lang == "zh-Hant":
        return zh_hant if zh_hant is not None else zh
    return zh


@lru_cache(maxsize=1)
def _s2t():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("s2tw")  # Taiwan standard characters (為, 裡), as customers write


# Phrases s2tw gets wrong in a shop's language, with their Taiwan-standard form. OpenCC reads
# "尺码表" as 尺 + 码表 (a stopwatch, 碼錶); a size chart is 尺碼表. Taiwan writes 帳 for accounts
# and bills, where s2tw gives 賬. Each phrase is converted whole, the text around it by s2tw.
PHRASES: dict[str, str] = {
    "尺码表": "尺碼表",
    "鞋码表": "鞋碼表",
    "码数表": "碼數表",
    "账户": "帳戶",
    "账单": "帳單",
}
_PHRASE = re.compile("|".join(sorted(map(re.escape, PHRASES), key=len, reverse=True)))


@lru_cache(maxsize=512)
def to_traditional(text: str) -> str:
    out: list[str] = []
    start = 0
    for found in _PHRASE.finditer(text):
        out.append(str(_s2t().convert(text[start : found.start()])))
        out.append(PHRASES[found.group()])
        start = found.end()
    out.append(str(_s2t().convert(text[start:])))
    return "".join(out)


def say(lang: str | None, zh: str, en: str) -> str:
    """``zh`` for simplified, its traditional form for zh-Hant, ``en`` for English."""
    if lang == "zh-Hant":
        return to_traditional(zh)
    return pick(lang, zh, en)


def three_languages(texts: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """A page's text table ``{key: (simplified, English)}`` in all three languages, the
    traditional text derived from the simplified one."""
    zh = {key: pair[0] for key, pair in texts.items()}
    return {
        "zh": zh,
        "zh-Hant": {key: to_traditional(text) for key, text in zh.items()},
        "en": {key: pair[1] for key, pair in texts.items()},
    }


def json_block(value: object) -> str:
    """JSON for a ``<script type="application/json">`` block (``<`` escaped, so no text in it
    can close the block)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
