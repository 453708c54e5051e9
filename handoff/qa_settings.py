"""The editable QA settings: the daily sampling rate, the pass threshold, the reply gap that
counts as slow, the forbidden or cold phrases, the greetings an agent's first message should
have, and the days a rectification item has.

Defaults are the seeds' rules (20 % daily sampling, pass at 80, rectification within 3 working
days, the banned phrases "不知道 / 不归我管 / 你自己看"); an edit is a row of ``qa_settings``
and wins over the default."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.qa_models import QaSetting
from kefu.errors import ApiError

DEFAULTS: dict[str, Any] = {
    "sample_rate": 0.2,
    "pass_threshold": 80,
    "reply_gap_s": 180,
    "rectify_working_days": 3,
    "forbidden_phrases": [
        "不知道",
        "不归我管",
        "你自己看",
        "不清楚",
        "没办法",
        "不关我的事",
        "自己去查",
    ],
    "greetings": ["您好", "你好", "亲", "欢迎", "很高兴为您服务", "hello", "hi"],
}
_RANGES: dict[str, tuple[float, float]] = {
    "sample_rate": (0.0, 1.0),
    "pass_threshold": (0.0, 100.0),
    "reply_gap_s": (10.0, 86400.0),
    "rectify_working_days": (1.0, 30.0),
}
MAX_PHRASES = 200


def check_setting(key: str, value: Any) -> Any:
    """A valid value for ``key`` or a 400 naming what is wrong."""
    if key in _RANGES:
        low, high = _RANGES[key]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not low <= value <= high:
            raise ApiError(400, "invalid_setting", f"{key} must be a number from {low} to {high}")
        return value
    if key in ("forbidden_phrases", "greetings"):
        ok = (
            isinstance(value, list)
            and len(value) <= MAX_PHRASES
            and all(isinstance(v, str) and 0 < len(v.strip()) <= 40 for v in value)
        )
        if not ok:
            raise ApiError(
                400, "invalid_setting", f"{key} must be a list of up to 200 phrases of 1-40 chars"
            )
        return list(dict.fromkeys(v.strip() if v.strip() else v for v in value))
    raise ApiError(400, "unknown_setting", f"no QA setting {key}", known=sorted(DEFAULTS))


async def load_settings(engine: AsyncEngine) -> dict[str, Any]:
    values = dict(DEFAULTS)
    async with AsyncSession(engine) as session:
        for row in (await session.scalars(select(QaSetting))).all():
            if row.key in DEFAULTS:
                values[row.key] = row.value
    return values


async def save_settings(engine: AsyncEngine, changes: dict[str, Any], who: str) -> dict[str, Any]:
    if not changes:
        raise ApiError(400, "invalid_setting", f"give some of: {', '.join(sorted(DEFAULTS))}")
    checked = {key: check_setting(key, value) for key, value in changes.items()}
    async with AsyncSession(engine) as session:
        for key, value in checked.items():
            row = await session.get(QaSetting, key)
            if row is None:
                row = QaSetting(key=key)
                session.add(row)
            row.value, row.updated_by, row.updated_at = value, who, datetime.now(UTC)
        await session.commit()
    return await load_settings(engine)
