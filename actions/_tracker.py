"""Small helpers every action uses to read the tracker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from kefu.i18n import Lang, detect_lang, normalise_lang

CONFIDENT = 0.5


def metadata(tracker: Tracker) -> dict[str, Any]:
    meta = (tracker.latest_message or {}).get("metadata") or {}
    return meta if isinstance(meta, dict) else {}


def customer_lang(tracker: Tracker) -> Lang:
    """The customer's language: what the gateway sent, else what the last message looks like."""
    lang = normalise_lang(str(metadata(tracker).get("lang") or ""))
    if lang:
        return lang
    return detect_lang(str((tracker.latest_message or {}).get("text") or ""))


def lang_of(tracker: Tracker) -> Lang:
    """The ``lang`` slot (set every turn), else what the tracker shows."""
    return normalise_lang(str(tracker.get_slot("lang") or "")) or customer_lang(tracker)


def customer_id(tracker: Tracker, default: str = "") -> str:
    """Who the customer is: the gateway's metadata of this or an earlier message."""
    meta = metadata(tracker)
    if not meta.get("customer_id"):
        for event in reversed(tracker.events or []):
            if event.get("event") == "user":
                earlier = event.get("metadata") or {}
                if isinstance(earlier, dict) and earlier.get("customer_id"):
                    meta = earlier
                    break
    if meta.get("identity") == "anonymous":
        # A web visitor without a valid signed identity: no shop customer (README, "Known
        # customers"), so order questions ask them to log in.
        return ""
    return str(meta.get("customer_id") or default)


def channel(tracker: Tracker) -> str:
    return str(metadata(tracker).get("channel") or "rest")


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def recent_turns(tracker: Tracker, limit: int = 12) -> list[dict[str, Any]]:
    """The last customer and bot turns, oldest first. A tapped button reads as its title (the
    gateway sends it as ``button_title``, ``bot.taps``), never as its payload."""
    turns: list[dict[str, Any]] = []
    for event in tracker.events or []:
        kind = event.get("event")
        if kind == "user":
            meta = event.get("metadata") or {}
            title = meta.get("button_title") if isinstance(meta, dict) else None
            text = str(title) if title else event.get("text") or ""
            turns.append({"from": "customer", "text": text, "ts": event.get("timestamp")})
        elif kind == "bot":
            turns.append(
                {"from": "bot", "text": event.get("text") or "", "ts": event.get("timestamp")}
            )
    return turns[-limit:]


def previous_customer_text(tracker: Tracker) -> str:
    """What the customer said before the latest message (a tapped button reads as its title),
    or "" when the latest message is the first."""
    said = [t["text"] for t in recent_turns(tracker, limit=40) if t["from"] == "customer"]
    return str(said[-2]) if len(said) >= 2 else ""


def recent_intents(tracker: Tracker, limit: int = 5) -> list[dict[str, Any]]:
    found = []
    for event in tracker.events or []:
        if event.get("event") == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            if intent.get("name"):
                found.append(
                    {
                        "name": intent["name"],
                        "confidence": round(float(intent.get("confidence") or 0.0), 3),
                    }
                )
    return found[-limit:]


def last_replies(tracker: Tracker) -> list[dict[str, Any]]:
    """The bot's events that answered the customer's message before the latest one."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(users) < 2:
        return []
    return [e for e in events[users[-2] + 1 : users[-1]] if e.get("event") == "bot"]


def previous_answer_text(tracker: Tracker) -> str:
    """What the bot answered to the customer's message before the latest one, as one text."""
    return "\n".join(str(e.get("text") or "") for e in last_replies(tracker))


def previous_faq_answer(tracker: Tracker) -> str:
    """The knowledge-base answers among the bot's replies to the customer's message before the
    latest one (a bot event whose metadata names its ``faq_id``), as one text; "" when the
    bot answered with something else (a flow's question, "please log in")."""
    return "\n".join(
        str(e.get("text") or "")
        for e in last_replies(tracker)
        if isinstance(e.get("metadata"), dict) and e["metadata"].get("faq_id")
    )


# What the bot says when it did not understand or found no answer (actions.fallback's rephrase,
# actions.faq's "not found"), in the three languages the customer reads.
MISS_MARKS = (
    "没太理解", "沒太理解", "didn't quite get", "没找到这个问题的答案", "沒找到這個問題的答案",
    "couldn't find an answer",
)  # fmt: skip


def previous_was_miss(tracker: Tracker) -> bool:
    """The bot's reply to the customer's message before the latest one was a miss ("didn't
    understand"): a second miss in a row brings a person. Not a message the NLU could not
    place that the bot then handled ("20231120001那件短袖不要了 帮我撤了" started the cancel)."""
    answered = previous_answer_text(tracker)
    return any(mark in answered for mark in MISS_MARKS)


def answered_this_turn(tracker: Tracker) -> bool:
    """The bot already answered the latest message (a flow this fallback started with a
    ``FollowupAction``): Rasa's core fallback is predicted again after a flow no rule ends, and
    following up once more would repeat the answer ("打错了 是2023…" got the refund line five
    times)."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    return bool(users) and any(e.get("event") == "bot" for e in events[users[-1] + 1 :])
