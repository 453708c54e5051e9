"""The REST channel's request and response bodies (``kefu.bodies``): validation, the 400 codes
integrations rely on, and the schemas ``/docs`` shows. (The rating's body, shared with the web
socket, is ``bot.csat.CsatAnswer``.)"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from kefu.bodies import BodyModel, ResponseModel


class CustomerMessage(BodyModel):
    # Integrations may send more fields than these (their own ids, say): ignored, not refused.
    model_config = ConfigDict(extra="ignore", strict=True, hide_input_in_errors=True)
    error_codes: ClassVar[dict[str, str]] = {
        "text": "missing_text",
        "customer_id": "invalid_customer_id",
        "lang": "invalid_lang",
    }

    text: str = Field(description="what the customer wrote (at most KEFU_MAX_TEXT_CHARS)")
    customer_id: str | None = Field(
        default=None,
        max_length=128,
        description="the shop's customer id: a server-to-server field, never from a browser",
    )
    lang: str | None = Field(default=None, description="zh | zh-Hant | en (zh-CN, en-US, …)")


class Reply(ResponseModel):
    text: str | None = None
    buttons: list[dict[str, Any]] | None = None


class MessageOutcome(ResponseModel):
    conversation_id: str
    owner: Literal["bot", "queued", "agent", "closed"]
    replies: list[Reply] = Field(description="the bot's answers (none while a person owns it)")
    queue: dict[str, Any] | None = Field(
        default=None, description="place and expected wait while queued"
    )


class CsatStored(ResponseModel):
    conversation_id: str
    seq: int = Field(description="the csat event's sequence number")


class LeftMessage(BodyModel):
    # As the message: fields an integration adds of its own are ignored, not refused.
    model_config = ConfigDict(extra="ignore", strict=True, hide_input_in_errors=True)
    error_codes: ClassVar[dict[str, str]] = {
        "text": "empty_text",
        "customer_id": "invalid_customer_id",
    }

    text: str = Field(description="the message for the team (at most KEFU_MAX_TEXT_CHARS)")
    customer_id: str | None = Field(
        default=None, max_length=128, description="the shop's customer id (server to server)"
    )


class TicketMade(ResponseModel):
    conversation_id: str
    ticket_id: str = Field(description="the ticket the message became")


class WaitEnded(ResponseModel):
    conversation_id: str
    owner: Literal["bot"] = Field(description="the bot's again, with the ticket open")
    ticket_id: str = Field(description="the conversation's ticket (its open one, or a new one)")
    text: str = Field(
        description="what the customer is told (ticket number, due time), in their language; "
        "also a system message in the events"
    )
    seq: int = Field(description="that message's sequence number")
