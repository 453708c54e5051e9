"""Small helpers of the actions' replies; ``say`` (simplified Chinese written once, traditional
derived) lives in ``kefu.i18n``."""

from __future__ import annotations

import re

from kefu.i18n import say

__all__ = ["is_angry", "say", "yuan"]


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
