"""The handoff packet as it is posted (``POST /api/v1/handoffs``): a typed model (``kefu.bodies``
style) that is the validation and the schema ``/docs`` shows at once.

The checks are those the packet always had, with their codes and messages: a refused packet is a
400 whose ``code`` and ``message`` are the first wrong field's (``invalid_customer``, "customer
must be an object with a string id", …), and ``fields`` lists every problem. Lenient where
integrations rely on it: an intent may be a bare name, entities may come as Rasa's list of
``{entity, value}``, priority may be named (low, normal, high, urgent), empty optional values take
their defaults, and fields a sender adds of its own are ignored."""

from __future__ import annotations

import time
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from handoff.conversation import InvalidConversationId, check_conversation_id
from handoff.product import BadProduct, clean_product
from kefu.errors import ApiError

Reason = Literal[
    "explicit_request",
    "repeated_fallback",
    "low_confidence",
    "negative_sentiment",
    "complaint",
    "vip",
    "flow_needs_human",
]
REASONS: tuple[str, ...] = get_args(Reason)
PRIORITY_NAMES = {"low": 0, "normal": 1, "high": 3, "urgent": 5}
MAX_TRANSCRIPT = 50

# (field, and for a nested problem its part) → the 400's code and message.
_INTENT_ITEM = ("invalid_intents", "each intent is {name, confidence}")
_CUSTOMER = ("invalid_customer", "customer must be an object with a string id")
_PROBLEMS: dict[tuple[str, ...], tuple[str, str]] = {
    ("conversation_id",): ("missing_conversation_id", "conversation_id (a string) is required"),
    ("channel",): ("invalid_channel", "channel must be a short string (web, rest, wechat)"),
    ("customer",): _CUSTOMER,
    ("customer", "id"): _CUSTOMER,
    ("customer", "vip_level"): ("invalid_customer", "customer.vip_level must be an integer 0-10"),
    ("customer", "language"): (
        "invalid_customer",
        "customer.language must be zh, zh-Hant or en",
    ),
    ("customer", "display_name"): (
        "invalid_customer",
        "customer.display_name must be a string ≤128 chars",
    ),
    ("reason",): ("invalid_reason", f"reason must be one of {', '.join(REASONS)}"),
    ("priority",): (
        "invalid_priority",
        "priority must be an integer 0-10 or low|normal|high|urgent",
    ),
    ("intents",): ("invalid_intents", "intents must be a list (at most 20)"),
    ("entities",): ("invalid_entities", "entities must be an object (name → value)"),
    ("faq_tried",): ("invalid_faq_tried", "faq_tried must be a list (at most 20)"),
    ("summary",): ("invalid_summary", "summary must be a string ≤2000 chars"),
    ("transcript",): ("invalid_transcript", "transcript must be a list of {from, text}"),
    ("created_at",): (
        "invalid_created_at",
        "created_at must be an ISO time or a UNIX timestamp",
    ),
}


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, hide_input_in_errors=True)


class PacketCustomer(_Part):
    id: str = Field(description="the shop's customer id (cut to 128 characters)")
    display_name: str = Field(default="", max_length=128)
    vip_level: int = Field(default=0, ge=0, le=10)
    language: Literal["zh", "zh-Hant", "en"] = "zh"

    @field_validator("display_name", "vip_level", "language", mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        return value or {"display_name": "", "vip_level": 0, "language": "zh"}[str(info.field_name)]


class PacketIntent(_Part):
    name: str
    confidence: Any = None


class TranscriptTurn(_Part):
    sender: Any = Field(default="customer", alias="from", description="customer | bot | …")
    text: str = ""
    ts: Any = None


class HandoffPacket(_Part):
    """What the action server (or an integration) posts to hand a conversation to people."""

    conversation_id: str
    channel: str = Field(default="", max_length=32, description="web, rest, wechat")
    customer: PacketCustomer
    reason: Reason
    priority: int = Field(
        default=1, ge=0, le=10, description="0-10, or a name: low, normal, high, urgent"
    )
    skill_group: str = Field(
        default="",
        validate_default=True,
        description="none: routed by the seeds' rules (a complaint: complaints)",
    )
    intents: list[PacketIntent] = Field(default_factory=list, max_length=20)
    entities: dict[str, Any] = Field(default_factory=dict, description="order id, …")
    faq_tried: list[Any] = Field(default_factory=list, max_length=20)
    summary: str = Field(default="", max_length=2000)
    product: dict[str, str] | None = Field(
        default=None, description="{id, title, url, price?, image?}: the page they came from"
    )
    transcript: list[TranscriptTurn] = Field(
        default_factory=list, description=f"the recent turns (the last {MAX_TRANSCRIPT} kept)"
    )
    created_at: str | float = Field(
        default=0.0, validate_default=True, description="ISO time or UNIX timestamp"
    )

    @field_validator("conversation_id")
    @classmethod
    def _conversation_id(cls, value: str) -> str:
        try:
            return check_conversation_id(value)
        except InvalidConversationId as exc:
            raise PydanticCustomError("invalid_conversation_id", str(exc)) from None

    @field_validator("priority", mode="before")
    @classmethod
    def _named_priority(cls, value: Any) -> Any:
        return PRIORITY_NAMES.get(value, value) if isinstance(value, str) else value

    @field_validator("skill_group", mode="before")
    @classmethod
    def _group(cls, value: Any, info: ValidationInfo) -> Any:
        # No group named: the staff console routes by the seeds' rules (handoff.skills).
        group = value or ("complaints" if info.data.get("reason") == "complaint" else "")
        groups: list[str] = list((info.context or {}).get("skill_groups") or [])
        if group and group not in groups:
            raise PydanticCustomError(
                "invalid_skill_group", f"skill_group must be one of {', '.join(groups)}"
            )
        return group

    @field_validator("intents", mode="before")
    @classmethod
    def _bare_names(cls, value: Any) -> Any:
        if isinstance(value, list) and len(value) <= 20:
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("entities", mode="before")
    @classmethod
    def _rasa_entities(cls, value: Any) -> Any:
        if isinstance(value, list):  # [{entity, value}] as Rasa gives them
            return {str(e.get("entity")): e.get("value") for e in value if isinstance(e, dict)}
        return value

    @field_validator("product", mode="before")
    @classmethod
    def _product(cls, value: Any) -> Any:
        try:
            return clean_product(value)
        except BadProduct as exc:
            raise PydanticCustomError("invalid_product", str(exc)) from None

    @field_validator("transcript", mode="before")
    @classmethod
    def _recent(cls, value: Any) -> Any:
        return value[-MAX_TRANSCRIPT:] if isinstance(value, list) else value

    @field_validator("created_at", mode="before")
    @classmethod
    def _created_at(cls, value: Any) -> Any:
        value = value or time.time()
        if isinstance(value, str):
            return value[:40]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        code, message = _PROBLEMS[("created_at",)]
        raise PydanticCustomError(code, message)


def parse_packet(body: Any, skill_groups: list[str]) -> HandoffPacket:
    """``body`` as a packet, or the 400 naming the first wrong field's code and message."""
    try:
        return HandoffPacket.model_validate(body, context={"skill_groups": skill_groups})
    except ValidationError as exc:
        raise _refused(exc) from None


def _refused(exc: ValidationError) -> ApiError:
    problems = [_problem(err) for err in exc.errors(include_url=False, include_input=False)]
    fields = [{"field": field, "problem": message} for field, _, message in problems]
    _, code, message = problems[0] if problems else ("", "bad_request", "invalid packet")
    return ApiError(400, code, message, fields=fields)


def _problem(err: Any) -> tuple[str, str, str]:
    """(field, code, message) of one of pydantic's errors."""
    loc = tuple(str(part) for part in err["loc"])
    field = ".".join(loc) or "(body)"
    if err["type"] in {code for code, _ in _PROBLEMS.values()} | {
        "invalid_conversation_id",
        "invalid_skill_group",
        "invalid_product",
    }:
        return field, str(err["type"]), str(err["msg"])
    if not loc:
        return field, "bad_request", "the packet must be a JSON object"
    if loc[0] == "customer":
        known = _PROBLEMS.get(loc[:2], _CUSTOMER)
    elif loc[0] == "intents" and len(loc) > 1:
        known = _INTENT_ITEM
    elif loc[0] == "transcript":
        known = _PROBLEMS[("transcript",)]
    else:
        known = _PROBLEMS.get(loc[:1], ("invalid_packet", f"{field}: {err['msg']}"))
    return field, known[0], known[1]
