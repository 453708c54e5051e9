"""SQL tables of quality inspection (质检): the QA queue (one item per agent conversation that was
sampled or flagged by an automatic check), the rubric's versions, reviews (a score with its
rubric version, and the agent's one appeal), rectification items (整改) of failed reviews, the
editable QA settings, and the record of each day's sampling run (exactly once)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.db import Base


def _now() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


class QaItem(Base):
    """A closed agent conversation in the QA queue: sampled (``sampled_on``: the day's run) and/or
    flagged by automatic checks (``flags``: [{"check", "detail"}])."""

    __tablename__ = "qa_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), unique=True)
    agent: Mapped[str] = mapped_column(String(64), index=True)
    skill_group: Mapped[str] = mapped_column(String(32), default="", index=True)
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    sampled_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    flags: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class QaRubric(Base):
    """One version of the rubric: items [{"key", "zh", "en", "weight", "max_points"}]; the newest
    version is the rubric in force, older ones stay for the scores given with them."""

    __tablename__ = "qa_rubrics"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    items: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class QaReview(Base):
    """The score of one QA item (points and comments per rubric item of ``rubric_version``) and
    the agent's one appeal: ``appeal_status`` "" (none) → pending → upheld (rescored) | rejected."""

    __tablename__ = "qa_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("qa_items.id"), unique=True)
    agent: Mapped[str] = mapped_column(String(64), index=True)
    skill_group: Mapped[str] = mapped_column(String(32), default="", index=True)
    reviewer: Mapped[str] = mapped_column(String(64), index=True)
    rubric_version: Mapped[int] = mapped_column(Integer)
    points: Mapped[dict[str, float]] = mapped_column(JSON)
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    first_total: Mapped[float] = mapped_column(Float)  # before an upheld appeal's rescore
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    appeal_status: Mapped[str] = mapped_column(String(16), default="", index=True)
    appeal_reason: Mapped[str] = mapped_column(Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class QaRectification(Base):
    """整改: what a failed review asks of the agent, due in 3 working days; ``status`` open →
    acknowledged → done, or cancelled when an upheld appeal turns the review into a pass."""

    __tablename__ = "qa_rectifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("qa_reviews.id"), unique=True)
    agent: Mapped[str] = mapped_column(String(64), index=True)
    skill_group: Mapped[str] = mapped_column(String(32), default="", index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class QaSetting(Base):
    """An edited QA setting (``handoff.qa_settings``): defaults live in code."""

    __tablename__ = "qa_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class QaSampleRun(Base):
    """A day whose closed conversations were sampled: the primary key makes the run happen once
    however many staff consoles try."""

    __tablename__ = "qa_sample_runs"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    conversations: Mapped[int] = mapped_column(Integer, default=0)
    sampled: Mapped[int] = mapped_column(Integer, default=0)
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
