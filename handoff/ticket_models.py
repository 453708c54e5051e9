"""SQL tables around a ticket: its log (internal notes, customer-visible progress, what the
customer added, state changes), its conversations, the working-day calendar an admin edits, and
the editable ticket settings (due times by type, auto-close)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.db import Base

ENTRY_KINDS = ("note", "progress", "customer", "state", "escalation", "notice")


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


class TicketEntry(Base):
    """One line of a ticket's log. ``visible``: the customer sees it (progress, replies, what
    they wrote themselves); internal notes and escalations are not."""

    __tablename__ = "ticket_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(64), default="")  # username, "customer", "system"
    text: Mapped[str] = mapped_column(Text, default="")
    visible: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "kind": self.kind,
            "author": self.author,
            "text": self.text,
            "visible": self.visible,
            "data": dict(self.data or {}),
            "created_at": _iso(self.created_at),
        }


class TicketConversation(Base):
    """A conversation that belongs to a ticket (the one it came from, and later ones)."""

    __tablename__ = "ticket_conversations"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CalendarDay(Base):
    """An admin's word on one day: a holiday (``workday`` false) or a make-up workday (调休).
    Overrides the shipped calendar (``handoff/data/cn_calendar.yml``) and the week."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(64), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TicketSetting(Base):
    """An edited ticket setting (``handoff.ticket_policy``): defaults live in code."""

    __tablename__ = "ticket_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TicketFollowup(Base):
    """The follow-up call (回访) after a complaint or after-sales ticket is resolved. ``outcome``
    is empty until the agent records it: ``satisfied``, ``not_satisfied`` (the ticket reopens)
    or ``not_reached``."""

    __tablename__ = "ticket_followups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    skill_group: Mapped[str] = mapped_column(String(32), default="", index=True)
    assignee: Mapped[str] = mapped_column(String(64), default="")
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    done_by: Mapped[str] = mapped_column(String(64), default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ticket_id": self.ticket_id,
            "skill_group": self.skill_group,
            "assignee": self.assignee,
            "due_at": _iso(self.due_at),
            "outcome": self.outcome,
            "note": self.note,
            "done_by": self.done_by,
            "done_at": _iso(self.done_at),
            "created_at": _iso(self.created_at),
        }
