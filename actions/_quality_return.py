"""The quality return the bot just offered ("past the 7 days; a quality problem can still be
returned — tap 质量问题退货"), taken up in words: "其实是质量问题 裤脚开线了" (read as a complaint)
or "其实拉链坏了拉不上去 这算质量问题吧" (read as a repair) is that return, calmly said."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions._reading import ORDER_ID
from actions._text import is_angry
from actions._tracker import latest_text, previous_answer_text
from kefu.mandarin import to_mandarin
from shop import is_quality_reason

__all__ = ["quality_return_offered"]

# The button the return flow offers past the no-reason window (actions/returns.py)
_QUALITY_OFFERED = ("质量问题退货", "Return: quality problem")


def quality_return_offered(tracker: Tracker) -> str | None:
    """The order whose quality return the bot offered just before, when the customer now calmly
    describes a quality problem; else None."""
    before = to_mandarin(previous_answer_text(tracker))
    text = latest_text(tracker)
    offered = ORDER_ID.search(before)
    if offered is None or not any(b in before for b in _QUALITY_OFFERED):
        return None
    if not is_quality_reason(to_mandarin(text)) or is_angry(text):
        return None
    return offered.group(0)
