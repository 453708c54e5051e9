"""Small helpers every action uses to read the tracker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from kefu.i18n import Lang, detect_lang, normalise_lang


def metadata(tracker: Tracker) -> dict[str, Any]:
    meta = (tracker.latest_message or {}).get("metadata") or {}
    return meta if isinstance(meta, dict) else {}


def customer_lang(tracker: Tracker) -> Lang:
    """The customer's language: what the gateway sent, else what the last message looks like."""
    lang = normalise_lang(str(metadata(tracker).get("lang") or ""))
    if lang:
        return lang
    return detect_lang(str((tracker.latest_message or {}).get("text") or ""))
