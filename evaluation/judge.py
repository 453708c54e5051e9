"""Judges a played conversation against its expectations. One rule, written down:

A conversation **succeeds** when every turn got an answer (no transport error or 5xx), every
turn's ``expect`` holds, a person was brought in exactly when ``needs_human`` says so (read from
state: owner, handoff events, a stored handoff packet, a ticket), the final ``owner`` is the
expected one when given, and nothing private to another customer was shown.

A **leak** is a string of another customer's ``private`` list in a reply, unless the customer
typed that string themselves in this conversation (the bot may repeat an order id it was given).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluation.player import Played
from evaluation.scenarios import Expect


@dataclass
class Verdict:
    conversation_id: str
    lang: str
    category: str
    needs_human: bool
    handed_off: bool
    success: bool
    leaks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    owner: str = "bot"
    transcript: list[dict[str, str]] = field(default_factory=list)


def _contains(text: str, needle: str) -> bool:
    return needle.casefold() in text.casefold()


def check_turn(expect: Expect, text: str, has_buttons: bool) -> list[str]:
    problems: list[str] = []
    problems += [f"missing {s!r}" for s in expect.all if not _contains(text, s)]
    if expect.any and not any(_contains(text, s) for s in expect.any):
        problems.append(f"none of {expect.any!r}")
    problems += [f"says {s!r}" for s in expect.none if _contains(text, s)]
    if expect.buttons is not None and expect.buttons != has_buttons:
        problems.append("buttons expected" if expect.buttons else "no buttons expected")
    return problems


def find_leaks(played: Played, private: dict[str, list[str]]) -> list[str]:
    own = played.conversation.customer
    typed = "\n".join(t.sent for t in played.turns)
    shown = "\n".join(t.text for t in played.turns)
    leaks: list[str] = []
    for customer, values in private.items():
        if customer == own:
            continue
        for value in values:
            if value and value in shown and value not in typed:
                leaks.append(f"{customer}: {value}")
    return leaks


def judge(played: Played, private: dict[str, list[str]]) -> Verdict:
    conv = played.conversation
    failures: list[str] = []
    for n, (turn, got) in enumerate(zip(conv.turns, played.turns, strict=False), start=1):
        if got.error:
            failures.append(f"turn {n}: {got.error}")
            continue
        for problem in check_turn(turn.expect, got.text, bool(got.buttons)):
            failures.append(f"turn {n} ({got.sent[:30]!r}): {problem}; replied {got.text[:160]!r}")
    if len(played.turns) < len(conv.turns) and not any("turn" in f for f in failures):
        failures.append(f"stopped after {len(played.turns)} of {len(conv.turns)} turns")
    if played.handed_off != conv.needs_human:
        failures.append(
            "handed off to a person" if played.handed_off else "never handed off to a person"
        )
    if conv.owner and played.owner != conv.owner:
        failures.append(f"owner at the end is {played.owner}, expected {conv.owner}")
    leaks = find_leaks(played, private)
    failures += [f"leak: {leak}" for leak in leaks]
    return Verdict(
        played.conversation_id,
        conv.lang,
        conv.category,
        conv.needs_human,
        played.handed_off,
        not failures,
        leaks,
        failures,
        played.owner,
        [{"customer": t.sent, "bot": t.text, "owner": t.owner} for t in played.turns],
    )
