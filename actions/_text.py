"""Replies in the customer's language: simplified Chinese written once, traditional derived."""

from __future__ import annotations

import re
from functools import lru_cache

from kefu.i18n import pick


@lru_cache(maxsize=1)
def _s2t():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("s2t")


@lru_cache(maxsize=512)
def to_traditional(text: str) -> str:
    return str(_s2t().convert(text))


def say(lang: str | None, zh: str, en: str) -> str:
    """``zh`` for simplified, its traditional form for zh-Hant, ``en`` for English."""
    if lang == "zh-Hant":
        return to_traditional(zh)
    return pick(lang, zh, en)


_ANGRY = re.compile(
    r"垃圾|气死|氣死|骗子|騙子|坑人|什么破|什麼破|太差|差劲|差勁|无语|無語|滚|滾|投诉你们|"
    r"投訴你們|fuck|shit|scam|terrible|worst|ridiculous|useless|!!!|！！！",
    re.IGNORECASE,
)


def is_angry(text: str) -> bool:
    """A clearly angry message (insults, swearing, repeated exclamation marks)."""
    return bool(_ANGRY.search(text or ""))


def yuan(cents: int) -> str:
    return f"¥{cents / 100:.2f}"
