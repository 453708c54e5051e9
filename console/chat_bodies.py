"""The staff console's queue and conversation bodies (``kefu.bodies``): presence, big-sale
switch, reply, note, transfer, close — validation with the error codes the console page and the
tests rely on, and the schemas ``/docs`` shows."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints, field_validator

from handoff.agents import AWAY_REASONS, STATUSES
from handoff.transfers import MAX_NOTE_CHARS, TRANSFER_REASONS
from kefu.bodies import BodyModel, ResponseModel

MAX_TAGS = 20


def _one_of(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}")
    return value


class StatusChange(BodyModel):
    error_codes: ClassVar[dict[str, str]] = {"status": "invalid_status", "reason": "invalid_reason"}

    status: str = Field(description=" | ".join(STATUSES))
    reason: str | None = Field(
        default=None, description=f"only when away: {' | '.join(AWAY_REASONS)}"
    )

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return str(_one_of(value, STATUSES, "status"))

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str | None) -> str | None:
        return _one_of(value, AWAY_REASONS, "reason")


class AgentStatus(ResponseModel):
    status: str
    away_reason: str | None = None
    load: int
    capacity: int
    skill_groups: list[str]


class BigSaleSwitch(BodyModel):
    error_codes: ClassVar[dict[str, str]] = {"on": "bad_request"}

    on: bool


class BigSaleState(ResponseModel):
    big_sale: bool


class StaffReply(BodyModel):
    """A reply to the customer (``POST …/messages`` and the socket's ``send``)."""

    error_codes: ClassVar[dict[str, str]] = {
        "text": "empty_text",
        "client_msg_id": "invalid_client_msg_id",
    }

    text: str = Field(description="not empty, at most KEFU_MAX_TEXT_CHARS (413 beyond)")
    client_msg_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="the page's id for this reply: sending it again is not a second reply",
    )


class ReplySent(ResponseModel):
    seq: int
    duplicate: bool = Field(description="true (and 200) when client_msg_id was seen before")


class StaffNote(BodyModel):
    error_codes: ClassVar[dict[str, str]] = {"text": "empty_text"}

    text: str = Field(description="not empty, at most KEFU_MAX_TEXT_CHARS")


class NoteAdded(ResponseModel):
    seq: int


class Transfer(BodyModel):
    """Exactly one of ``to_agent`` and ``to_group`` (400 ``bad_transfer`` otherwise)."""

    error_codes: ClassVar[dict[str, str]] = {
        "reason": "invalid_reason",
        "note": "invalid_note",
        "to_agent": "bad_transfer",
        "to_group": "invalid_skill_group",
    }

    reason: str | None = Field(
        default=None,
        description=f"{' | '.join(TRANSFER_REASONS)}; empty or absent: needs_specialist",
    )
    note: str | None = Field(
        default=None, max_length=MAX_NOTE_CHARS, description="for the colleague and the customer"
    )
    to_agent: str | None = Field(default=None, description="a colleague's username")
    to_group: str | None = Field(default=None, description="a skill group")

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str | None) -> str | None:
        return _one_of(value or None, tuple(TRANSFER_REASONS), "reason")


class Moved(ResponseModel):
    status: Literal["transferred", "closed"]
    seq: int


class Closing(BodyModel):
    error_codes: ClassVar[dict[str, str]] = {
        "resolution": "invalid_resolution",
        "tags": "invalid_tags",
    }

    resolution: str | None = Field(
        default=None, max_length=64, description="empty or absent: resolved"
    )
    tags: list[Annotated[str, StringConstraints(max_length=32)]] | None = Field(
        default=None, max_length=MAX_TAGS, description=f"at most {MAX_TAGS}, each ≤32 characters"
    )
