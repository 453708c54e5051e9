"""The report's daily roll-ups (``handoff.rollups``): per local day of ``KEFU_TIMEZONE``, the
partial figures of the conversations that ended that day, so a month's report reads a few
thousand grouped rows instead of every fact. Derived data: deleting every row only makes the
next reports slower until the console's worker has rolled the days up again."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kefu.db import Base


class ReportDay(Base):
    """One local day of one time zone. Every write to a fact of that day adds one to
    ``changes``; the roll-up of the day is current while ``rolled_changes`` equals it."""

    __tablename__ = "report_days"
    __table_args__ = (Index("ix_report_days_span", "starts_at", "ends_at"),)

    tz: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC, inclusive
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC, exclusive
    changes: Mapped[int] = mapped_column(Integer, default=0)
    rolled_changes: Mapped[int] = mapped_column(Integer, default=-1)  # -1: never rolled up
    rolls: Mapped[int] = mapped_column(Integer, default=0)  # how often it was rolled up
    rolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReportDayCube(Base):
    """The day's conversations counted by the columns the counts and rates read (``part``
    counts) and, apart, the rated ones by who was rated (``part`` ratings): the columns of the
    other part are empty (``handoff.report_sql.cube_key``)."""

    __tablename__ = "report_day_cube"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tz: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    part: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    bot_only: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    handoff_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    skill_group: Mapped[str | None] = mapped_column(String(32), nullable=True)
    agent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    complaint_intent: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: no customer id (outside first-contact resolution); True: resolved at first contact
    first_contact: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_report_day_cube_day", "tz", "day"),)


class ReportDayItem(Base):
    """The day's other counts: ``kind`` hour (``bucket`` = local hour the conversation started),
    intent and faq (``name``; each counted once per conversation), first_response (``name`` =
    skill group, ``bucket`` = the value's bucket, ``handoff.report_sql.bucket_of``)."""

    __tablename__ = "report_day_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tz: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128), default="")
    bucket: Mapped[int] = mapped_column(Integer, default=0)
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_report_day_items_day", "tz", "day", "kind"),)
