"""SQL tables of the knowledge base: FAQs (the working copy editors change) and versions
(immutable snapshots; the newest one is what the bot answers from)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.db import Base

STATUSES = ("draft", "published", "archived")


def utcnow() -> datetime:
    return datetime.now(UTC)


class FaqRow(Base):
    __tablename__ = "kb_faqs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), default="")
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    question: Mapped[str] = mapped_column(Text)
    similar_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    author: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class VersionRow(Base):
    __tablename__ = "kb_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    author: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    faq_count: Mapped[int] = mapped_column(Integer, default=0)
    # the published FAQs, as in the FAQ file format (one dict per FAQ), sorted by id
    snapshot: Mapped[list[dict[str, object]]] = mapped_column(JSON)
