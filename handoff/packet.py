"""The handoff packet: validation (the typed body of ``handoff.packet_body``: 400s with clear
codes) and the masked form that is stored.

The product page the customer came from (``product``, 咨询此商品) is the one the packet names, else
the one the web channel stored with the conversation (``with_stored_product``); either way it is
checked by ``handoff.product`` and the summary mentions it."""

from __future__ import annotations

import json
from typing import Any

from handoff.conversation import Conversations
from handoff.packet_body import REASONS, parse_packet
from handoff.product import BadProduct, clean_product, product_line
from kefu.masking import mask_text, mask_value

__all__ = [
    "REASONS",
    "effective_priority",
    "validate_packet",
    "with_product",
    "with_stored_product",
]

MAX_TEXT = 4000


def validate_packet(body: Any, skill_groups: list[str]) -> dict[str, Any]:
    """Check a posted packet (``handoff.packet_body``: 400s with clear codes) and return a
    normalised, masked copy ready to store."""
    posted = parse_packet(body, skill_groups)
    customer = posted.customer
    packet = {
        "conversation_id": posted.conversation_id,
        "channel": posted.channel,
        "customer": {
            "id": customer.id[:128],
            "display_name": mask_text(customer.display_name),
            "vip_level": customer.vip_level,
            "language": customer.language,
        },
        "reason": posted.reason,
        "priority": posted.priority,
        "skill_group": posted.skill_group,
        "intents": [{"name": i.name, "confidence": i.confidence} for i in posted.intents],
        "entities": mask_value("entities", posted.entities),
        "faq_tried": mask_value("faq_tried", posted.faq_tried),
        "summary": mask_text(posted.summary),
        "transcript": [
            {
                "from": str(turn.sender)[:16],
                "text": mask_text(turn.text[:MAX_TEXT]),
                **({"ts": turn.ts} if "ts" in turn.model_fields_set else {}),
            }
            for turn in posted.transcript
        ],
        "created_at": posted.created_at,
    }
    return with_product(packet, posted.product) if posted.product else packet


def with_product(packet: dict[str, Any], product: dict[str, str]) -> dict[str, Any]:
    """The packet naming a (checked) product page, its summary mentioning it."""
    line = product_line(product)
    summary = str(packet.get("summary") or "")
    if product["title"] not in summary:
        summary = f"{summary}；{line}" if summary else line
    return {**packet, "product": product, "summary": summary[:2000]}


async def with_stored_product(
    packet: dict[str, Any], conversations: Conversations
) -> dict[str, Any]:
    """A packet without a product gets the one the web channel stored with the conversation
    (the state's ``product`` field, written with the customer's messages)."""
    if packet.get("product"):
        return packet
    state = await conversations.state(packet["conversation_id"])
    try:
        product = clean_product(json.loads(state.extra.get("product") or "null"))
    except (ValueError, BadProduct):  # a stored value that no longer passes: left out
        return packet
    return with_product(packet, product) if product else packet


def effective_priority(packet: dict[str, Any]) -> int:
    """Priority used for ordering: VIP customers and complaints go ahead."""
    priority = int(packet.get("priority", 1))
    vip = int(packet.get("customer", {}).get("vip_level", 0) or 0)
    if vip > 0:
        priority += 2 + min(vip, 3)
    if packet.get("reason") == "complaint" or packet.get("skill_group") == "complaints":
        priority += 3
    return priority
