"""Masking personal data (phone numbers, ID numbers, addresses) in what is stored or shown."""

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


def mask_text(text: str) -> str:
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
            return value[:6] + "****" if len(value) > 6 else "****"
        if lowered in PHONE_KEYS:
            digits = re.sub(r"\D", "", value)
            return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(key, v) for v in value]
    return value
