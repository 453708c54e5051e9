"""SQL tables of the staff side: staff accounts, tickets, archived conversations, SLA breaches,
revoked login tokens and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.db import Base

ROLES = ("agent", "team_lead", "supervisor", "editor", "admin")


def _now() -> datetime:
    return datetime.now(UTC)


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    skill_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "roles": list(self.roles),
            "skill_groups": list(self.skill_groups),
            "capacity": self.capacity,
            "active": self.active,
        }


class Ticket(Base):
    """A message a customer left when nobody could take the chat."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    customer_id: Mapped[str] = mapped_column(String(128), default="")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    owner: Mapped[str] = mapped_column(String(64), default="")  # group:<name> or a username
    skill_group: Mapped[str] = mapped_column(String(32), default="")
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    resolution: Mapped[str] = mapped_column(String(64), default="")

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "customer_id": self.customer_id,
            "text": self.text,
            "status": self.status,
            "owner": self.owner,
            "skill_group": self.skill_group,
            "due_at": _iso(self.due_at),
            "created_at": _iso(self.created_at),
            "closed_at": _iso(self.closed_at),
            "closed_by": self.closed_by,
            "resolution": self.resolution,
        }


class ConversationArchive(Base):
    """A closed conversation: its packet, transcript and every event, kept after Redis."""

    __tablename__ = "conversation_archives"
    __table_args__ = (UniqueConstraint("conversation_id", "closed_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    closed_seq: Mapped[int] = mapped_column(Integer)
    agent: Mapped[str] = mapped_column(String(64), default="")
    skill_group: Mapped[str] = mapped_column(String(32), default="")
    resolution: Mapped[str] = mapped_column(String(64), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    packet: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    transcript: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    events: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SlaBreach(Base):
    """A missed first-response target and whom it was escalated to."""

    __tablename__ = "sla_breaches"
    __table_args__ = (UniqueConstraint("conversation_id", "queued_at", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    skill_group: Mapped[str] = mapped_column(String(32), default="")
    agent: Mapped[str] = mapped_column(String(64), default="")
    level: Mapped[int] = mapped_column(Integer)  # 1 = team lead, 2 = supervisor
    escalated_to: Mapped[str] = mapped_column(String(32))
    target_s: Mapped[float] = mapped_column(Float)
    queued_at: Mapped[float] = mapped_column(Float)
    breached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "skill_group": self.skill_group,
            "agent": self.agent,
            "level": self.level,
            "escalated_to": self.escalated_to,
            "target_s": self.target_s,
            "breached_at": _iso(self.breached_at),
        }


class RevokedToken(Base):
    """A login token ended before its expiry (logout); kept until it would have expired."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class AuditEntry(Base):
    """A staff action that changed something: who, what, on which target, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": _iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "details": dict(self.details or {}),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
