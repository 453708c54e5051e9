"""The figures of a run, per language (zh / zh-Hant / en) and overall:

- task success: conversations that succeed (see ``judge``) / all;
- containment: of the conversations the bot should finish alone (``needs_human: false``),
  the share it finished without a person;
- right handoffs: of the conversations that need a person, the share that got one;
- leaks: conversations that showed another customer's data (should be 0)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from evaluation.judge import Verdict

LANGS = ("zh", "zh-Hant", "en")


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def figures(verdicts: Iterable[Verdict]) -> dict[str, Any]:
    items = list(verdicts)
    bot_only = [v for v in items if not v.needs_human]
    human = [v for v in items if v.needs_human]
    return {
        "conversations": len(items),
        "succeeded": sum(v.success for v in items),
        "task_success": _ratio(sum(v.success for v in items), len(items)),
        "containment": _ratio(sum(not v.handed_off for v in bot_only), len(bot_only)),
        "should_contain": len(bot_only),
        "right_handoffs": _ratio(sum(v.handed_off for v in human), len(human)),
        "need_handoff": len(human),
        "leaks": sum(bool(v.leaks) for v in items),
    }


def summary(verdicts: list[Verdict]) -> dict[str, Any]:
    out: dict[str, Any] = {"all": figures(verdicts)}
    for lang in LANGS:
        mine = [v for v in verdicts if v.lang == lang]
        if mine:
            out[lang] = figures(mine)
    categories = sorted({v.category for v in verdicts})
    out["by_category"] = {
        c: figures(v for v in verdicts if v.category == c)["task_success"] for c in categories
    }
    return out


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def render(verdicts: list[Verdict], verbose: bool = True) -> str:
    lines: list[str] = []
    if verbose:
        for v in verdicts:
            if not v.success:
                lines.append(f"FAIL {v.conversation_id} [{v.lang}, {v.category}]")
                lines.extend(f"     - {f}" for f in v.failures)
    s = summary(verdicts)
    lines.append("")
    lines.append(
        f"{'':8} {'convs':>5} {'success':>12} {'containment':>16} {'right handoffs':>16} "
        f"{'leaks':>5}"
    )
    for key in ("all", *LANGS):
        if key not in s:
            continue
        f = s[key]
        lines.append(
            f"{key:8} {f['conversations']:5d} {_pct(f['task_success'])} "
            f"({f['succeeded']:3d}) {_pct(f['containment'])} (of {f['should_contain']:3d}) "
            f"{_pct(f['right_handoffs'])} (of {f['need_handoff']:3d}) {f['leaks']:5d}"
        )
    lines.append(
        "by category: " + ", ".join(f"{c} {_pct(r).strip()}" for c, r in s["by_category"].items())
    )
    return "\n".join(lines)
