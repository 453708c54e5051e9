"""Masking personal data (phone numbers, ID numbers, addresses) in what is stored or shown.

The one set of rules: the handoff packet, the transcripts and what the bot repeats back to a
customer all mask the same way. A phone keeps its first 3 and last 4 digits (138****5678); a
resident ID number its first 4 and last 4 (1101**********1234: the region code's province and
city digits are enough to tell two apart, the district and the birth date are not shown); an
address the part a customer recognises (region, street or estate), never the door number.
"""

from __future__ import annotations

import re
from typing import Any

# Mainland mobile numbers (optionally +86), landlines like 021-12345678.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)")
# Resident ID numbers: 17 digits + digit or X.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")
# Chinese addresses: keep up to the street/estate word, hide the number, building, room.
_ADDRESS_ZH = re.compile(
    r"([\u4e00-\u9fff]{1,12}(?:路|街|道|巷|弄|胡同|村|小区|大厦|花园|公寓|苑))"
    r"[0-9０-９一二三四五六七八九十百零A-Za-z\-#号栋幢单元楼层室座]{1,40}"
)
_ADDRESS_EN = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][a-z]+\s){1,4}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln)\b\.?"
    r"(?:,?\s*(?:Apt|Room|Unit|Flat)\.?\s*\w+)?",
)
ADDRESS_KEYS = {"address", "shipping_address", "addr", "地址"}
PHONE_KEYS = {"phone", "mobile", "phone_number", "tel", "手机", "电话"}


__all__ = ["mask_address", "mask_phone", "mask_text", "mask_value"]


def mask_phone(phone: str) -> str:
    """138****5678; a +86 country code is dropped first; a short number is all stars."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_address(address: str) -> str:
    """Keep the region (what a customer recognises), hide the street number and the door."""
    text = (address or "").strip()
    if not text:
        return ""
    keep = max(6, len(text) // 3)
    return text[:keep] + "****" if len(text) > keep else "****"


def mask_text(text: str) -> str:
    """Mask phone numbers, ID numbers and addresses inside free text (transcripts, summaries)."""
    text = text or ""
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-2:]}", text)
    text = _ADDRESS_ZH.sub(lambda m: f"{m.group(1)}****", text)
    return _ADDRESS_EN.sub("**** (address hidden)", text)


def mask_value(key: str, value: Any) -> Any:
    """Mask a structured value; whole addresses and phones are reduced, text is scanned."""
    if isinstance(value, str):
        lowered = key.lower()
        if lowered in ADDRESS_KEYS:
            return mask_address(value)
        if lowered in PHONE_KEYS:
            return mask_phone(value)
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(key, v) for v in value]
    return value
