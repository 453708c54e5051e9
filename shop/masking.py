"""Personal data shown to customers or stored in handoff packets is masked (138****5678)."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_ADDRESS_TAIL = re.compile(r"(\d+[号號栋棟楼樓室单元單元弄]|[A-Za-z]?\d{2,}[A-Za-z]?)")


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_address(address: str) -> str:
    """Keep the region (what a customer recognises), hide the street and the door number."""
    text = (address or "").strip()
    if not text:
        return ""
    keep = max(6, len(text) // 3)
    return text[:keep] + "****"


def mask_text(text: str) -> str:
    """Mask mobile numbers and ID card numbers inside free text (transcripts, summaries)."""
    text = _ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text or "")
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
