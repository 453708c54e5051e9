"""The handoff packet: validation (400s with clear codes) and the masked form that is stored."""

from __future__ import annotations

import time
from typing import Any

from handoff.conversation import InvalidConversationId, check_conversation_id
from kefu.errors import ApiError
from kefu.masking import mask_text, mask_value

REASONS = (
    "explicit_request",
    "repeated_fallback",
    "low_confidence",
    "negative_sentiment",
    "complaint",
    "vip",
    "flow_needs_human",
)
PRIORITY_NAMES = {"low": 0, "normal": 1, "high": 3, "urgent": 5}
MAX_TRANSCRIPT = 50
MAX_TEXT = 4000


def _bad(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def validate_packet(body: dict[str, Any], skill_groups: list[str]) -> dict[str, Any]:
    """Check a posted packet and return a normalised, masked copy ready to store."""
    raw_id = body.get("conversation_id")
    if not isinstance(raw_id, str):
        raise _bad("missing_conversation_id", "conversation_id (a string) is required")
    try:
        conversation_id = check_conversation_id(raw_id)
    except InvalidConversationId as exc:
        raise _bad("invalid_conversation_id", str(exc)) from None

    channel = body.get("channel", "")
    if not isinstance(channel, str) or len(channel) > 32:
        raise _bad("invalid_channel", "channel must be a short string (web, rest, wechat)")

    customer = body.get("customer")
    if not isinstance(customer, dict) or not isinstance(customer.get("id"), str):
        raise _bad("invalid_customer", "customer must be an object with a string id")
    vip = customer.get("vip_level", 0) or 0
    if not isinstance(vip, int) or isinstance(vip, bool) or not 0 <= vip <= 10:
        raise _bad("invalid_customer", "customer.vip_level must be an integer 0-10")
    language = customer.get("language") or "zh"
    if language not in ("zh", "zh-Hant", "en"):
        raise _bad("invalid_customer", "customer.language must be zh, zh-Hant or en")
    display_name = customer.get("display_name") or ""
    if not isinstance(display_name, str) or len(display_name) > 128:
        raise _bad("invalid_customer", "customer.display_name must be a string ≤128 chars")

    reason = body.get("reason")
    if reason not in REASONS:
        raise _bad("invalid_reason", f"reason must be one of {', '.join(REASONS)}")

    priority = body.get("priority", 1)
    if isinstance(priority, str) and priority in PRIORITY_NAMES:
        priority = PRIORITY_NAMES[priority]
    if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 10:
        raise _bad("invalid_priority", "priority must be an integer 0-10 or low|normal|high|urgent")

    group = body.get("skill_group") or ("complaints" if reason == "complaint" else "")
    if group not in skill_groups:
        raise _bad("invalid_skill_group", f"skill_group must be one of {', '.join(skill_groups)}")

    intents = body.get("intents", [])
    if not isinstance(intents, list) or len(intents) > 20:
        raise _bad("invalid_intents", "intents must be a list (at most 20)")
    clean_intents = []
    for item in intents:
        if isinstance(item, str):
            item = {"name": item, "confidence": None}
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise _bad("invalid_intents", "each intent is {name, confidence}")
        clean_intents.append({"name": item["name"], "confidence": item.get("confidence")})

    entities = body.get("entities", {})
    if isinstance(entities, list):  # [{entity, value}] as Rasa gives them
        entities = {str(e.get("entity")): e.get("value") for e in entities if isinstance(e, dict)}
    if not isinstance(entities, dict):
        raise _bad("invalid_entities", "entities must be an object (name → value)")

    faq_tried = body.get("faq_tried", [])
    if not isinstance(faq_tried, list) or len(faq_tried) > 20:
        raise _bad("invalid_faq_tried", "faq_tried must be a list (at most 20)")

    summary = body.get("summary", "")
    if not isinstance(summary, str) or len(summary) > 2000:
        raise _bad("invalid_summary", "summary must be a string ≤2000 chars")

    transcript = body.get("transcript", [])
    if not isinstance(transcript, list):
        raise _bad("invalid_transcript", "transcript must be a list of {from, text}")
    turns = []
    for turn in transcript[-MAX_TRANSCRIPT:]:
        if not isinstance(turn, dict) or not isinstance(turn.get("text", ""), str):
            raise _bad("invalid_transcript", "transcript must be a list of {from, text}")
        turns.append(
            {
                "from": str(turn.get("from", "customer"))[:16],
                "text": mask_text(turn.get("text", "")[:MAX_TEXT]),
                **({"ts": turn["ts"]} if "ts" in turn else {}),
            }
        )

    created_at = body.get("created_at") or time.time()
    if isinstance(created_at, str):
        created_at_value: Any = created_at[:40]
    elif isinstance(created_at, (int, float)) and not isinstance(created_at, bool):
        created_at_value = float(created_at)
    else:
        raise _bad("invalid_created_at", "created_at must be an ISO time or a UNIX timestamp")

    return {
        "conversation_id": conversation_id,
        "channel": channel,
        "customer": {
            "id": customer["id"][:128],
            "display_name": mask_text(display_name),
            "vip_level": vip,
            "language": language,
        },
        "reason": reason,
        "priority": priority,
        "skill_group": group,
        "intents": clean_intents,
        "entities": mask_value("entities", entities),
        "faq_tried": mask_value("faq_tried", faq_tried),
        "summary": mask_text(summary),
        "transcript": turns,
        "created_at": created_at_value,
    }


def effective_priority(packet: dict[str, Any]) -> int:
    """Priority used for ordering: VIP customers and complaints go ahead."""
    priority = int(packet.get("priority", 1))
    vip = int(packet.get("customer", {}).get("vip_level", 0) or 0)
    if vip > 0:
        priority += 2 + min(vip, 3)
    if packet.get("reason") == "complaint" or packet.get("skill_group") == "complaints":
        priority += 3
    return priority
