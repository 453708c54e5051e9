"""Which skill group takes a handoff (the seeds' rules): by what the customer wanted, then by
their language where the shop routes a language to its own group.

- presale questions (product, stock, price, coupons: ``product_inquiry``; general FAQ
  questions, ``ask_faq``, or a tapped suggestion, ``faq_pick``, when nothing more specific
  was asked) → ``presale``
- order, return, refund, repair, invoice, payment → ``aftersales``
- logistics (``track_shipment``) → ``logistics``
- complaints (``file_complaint``) → ``complaints``

The customer's most recent specific intent decides; with none, the shop's default group
(``KEFU_DEFAULT_SKILL_GROUP``). A packet that names its group keeps it: the action server names
none when the customer asked for a person, the bot missed twice or found no FAQ answer, the
customer is angry or a VIP's first miss — and names one for an order flow's own reason and a
complaint. A group that is not configured is never chosen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

INTENT_GROUPS: dict[str, str] = {
    "product_inquiry": "presale",
    "check_order_status": "aftersales",
    "cancel_order": "aftersales",
    "change_order": "aftersales",
    "request_return": "aftersales",
    "check_refund": "aftersales",
    "request_invoice": "aftersales",
    "payment_problem": "aftersales",
    "request_repair": "aftersales",
    "track_shipment": "logistics",
    "file_complaint": "complaints",
}
# Intents that point to a group only when nothing more specific was asked.
WEAK_INTENT_GROUPS: dict[str, str] = {"ask_faq": "presale", "faq_pick": "presale"}


def group_for_intents(intents: Iterable[str]) -> str | None:
    """The group of the most recent specific intent (oldest first in ``intents``), else of
    the most recent weak one, else None."""
    names = list(intents)
    for table in (INTENT_GROUPS, WEAK_INTENT_GROUPS):
        for name in reversed(names):
            if name in table:
                return table[name]
    return None


def route_group(
    packet: dict[str, Any],
    skill_groups: list[str],
    language_groups: Mapping[str, Mapping[str, str]],
    default_group: str = "aftersales",
) -> str:
    """The group that takes a validated packet. ``language_groups``: per group, the group
    that serves customers of a language instead (e.g. ``{"presale": {"zh-Hant":
    "presale_hk"}}`` for a Hong Kong / Taiwan team with its own hours)."""
    group = str(packet.get("skill_group") or "")
    if not group:
        names = [str(i.get("name")) for i in packet.get("intents") or [] if isinstance(i, dict)]
        wanted = group_for_intents(names)
        fallback = default_group if default_group in skill_groups else skill_groups[0]
        group = str(wanted) if wanted in skill_groups else fallback
    language = str((packet.get("customer") or {}).get("language") or "")
    local = (language_groups.get(group) or {}).get(language)
    if local in skill_groups:
        group = str(local)
    return group
