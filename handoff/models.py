"""SQL tables of the staff side: staff accounts, tickets, archived conversations, conversation
facts, SLA breaches, revoked login tokens and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kefu.db import Base

ROLES = ("agent", "team_lead", "supervisor", "editor", "admin", "qa")


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
    """A case a person must finish (工单): a complaint, an after-sales review, an invoice, a message
    left when nobody could take the chat. Its notes, progress log, conversations and escalations
    are in ``handoff.ticket_models``; its state machine in ``handoff.ticket_states``."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_due", "status", "due_at"),
        Index("ix_tickets_assignee_due", "assignee", "due_at"),
        Index("ix_tickets_group_due", "skill_group", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    customer_id: Mapped[str] = mapped_column(String(128), default="", index=True)
    channel: Mapped[str] = mapped_column(String(16), default="")
    type: Mapped[str] = mapped_column(String(24), default="other", index=True)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    text: Mapped[str] = mapped_column(Text)  # the customer's request (诉求), masked
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    assignee: Mapped[str] = mapped_column(String(64), default="")
    skill_group: Mapped[str] = mapped_column(String(32), default="")
    packet: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")  # a username, or "" (bot)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # while waiting for the customer the clock stands: the working seconds it still had
    clock_left_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    resolution: Mapped[str] = mapped_column(String(64), default="")

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "type": self.type,
            "priority": self.priority,
            "text": self.text,
            "status": self.status,
            "assignee": self.assignee,
            "skill_group": self.skill_group,
            "created_by": self.created_by,
            "due_at": _iso(self.due_at),
            "clock_paused": self.clock_left_s is not None,
            "waiting_since": _iso(self.waiting_since),
            "escalation_level": self.escalation_level,
            "version": self.version,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "resolved_at": _iso(self.resolved_at),
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


class ConversationFact(Base):
    """One row per ended conversation (bot-only or with a person): what reports, the customer's
    history and BI tools read. Written once when the conversation ends; the rating columns are
    filled once afterwards. Times are seconds; a null means "did not happen" (no handoff, no
    agent reply, no rating), never zero. Documented for shops in the README ("Reporting tables")."""

    __tablename__ = "conversation_facts"
    __table_args__ = (
        # the report's exact first-response percentiles look values up by group and range
        Index("ix_facts_group_first_response", "skill_group", "first_response_s", "ended_at"),
        Index("ix_facts_customer_topic", "customer_id", "topic", "started_at"),
    )

    conversation_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(128), default="", index=True)
    channel: Mapped[str] = mapped_column(String(16), default="")  # web | rest | wechat
    lang: Mapped[str] = mapped_column(String(8), default="zh")  # zh | zh-Hant | en
    customer_tier: Mapped[int] = mapped_column(Integer, default=0)  # the shop's VIP level
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    intents: Mapped[list[str]] = mapped_column(JSON, default=list)  # in the order first seen
    # what the conversation was about: its last intent that is not small talk ("" if none)
    topic: Mapped[str] = mapped_column(String(64), default="")
    # another conversation of the customer about the same topic started within
    # handoff.recontact.WINDOW after this one ended (first-contact resolution, docs/metrics.md)
    recontacted: Mapped[bool] = mapped_column(Boolean, default=False)
    faq_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # FAQs the bot answered
    bot_only: Mapped[bool] = mapped_column(Boolean, default=True)  # no person ever owned it
    handoff_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    skill_group: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    agent: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    wait_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # queued -> accepted
    # accepted -> the agent's first reply
    first_response_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    handle_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # accepted -> closed
    # solved | unsolved (the customer's answer) | ticket | abandoned | unknown: docs/metrics.md
    resolution: Mapped[str] = mapped_column(String(16), default="unknown", index=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1..5, once
    rating_comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def public(self) -> dict[str, object]:
        return {
            "conversation_id": self.conversation_id,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "lang": self.lang,
            "customer_tier": self.customer_tier,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at),
            "intents": list(self.intents or []),
            "topic": self.topic,
            "recontacted": self.recontacted,
            "faq_ids": list(self.faq_ids or []),
            "bot_only": self.bot_only,
            "handoff_reason": self.handoff_reason,
            "skill_group": self.skill_group,
            "agent": self.agent,
            "wait_s": self.wait_s,
            "first_response_s": self.first_response_s,
            "handle_s": self.handle_s,
            "resolution": self.resolution,
            "ticket_id": self.ticket_id,
            "rating": self.rating,
            "rating_comment": self.rating_comment,
            "rated_at": _iso(self.rated_at),
        }


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
