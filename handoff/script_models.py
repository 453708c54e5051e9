"""SQL table of the scripts library (话术库): canned replies by set, skill group and scenario."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.db import Base
from kefu.i18n import to_traditional


def _now() -> datetime:
    return datetime.now(UTC)


class CannedReply(Base):
    """One canned reply. ``script_set``: ``normal``, ``big_sale`` (大促, shown while the big-sale
    switch is on) or ``outage`` (while the outage switch is on); ``skill_group`` empty = shared
    by every group. Texts are written in simplified Chinese and English; traditional Chinese is
    derived with OpenCC when served."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    script_set: Mapped[str] = mapped_column(String(16), index=True, default="normal")
    skill_group: Mapped[str] = mapped_column(String(32), index=True, default="")
    scenario_zh: Mapped[str] = mapped_column(String(32))
    scenario_en: Mapped[str] = mapped_column(String(64))
    title_zh: Mapped[str] = mapped_column(String(64))
    title_en: Mapped[str] = mapped_column(String(128))
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "script_set": self.script_set,
            "skill_group": self.skill_group,
            "scenario_zh": self.scenario_zh,
            "scenario_hant": to_traditional(self.scenario_zh),
            "scenario_en": self.scenario_en,
            "title_zh": self.title_zh,
            "title_hant": to_traditional(self.title_zh),
            "title_en": self.title_en,
            "text_zh": self.text_zh,
            "text_hant": to_traditional(self.text_zh),
            "text_en": self.text_en,
            "position": self.position,
            "updated_by": self.updated_by,
        }
