"""Two (or three) questions in one message: "包邮吗？还有就是能开发票不",
"发货了吗？还有能开发票吗".

The message is split on question boundaries (``actions._decide.split_questions``) and each part
goes through the decision step on its own, as a general question would: a part the knowledge
base answers (a general question with a confident or clearly leading hit) is answered; every
other part that asks something — the customer's own case ("发货了吗" needs their order), or a
question without an answer — is named back with a button that asks it on its own, so nothing
the customer asked is silently dropped. Whether a part asks something is read by the same
patterns (a general question or the customer's own case); "你好" or "谢谢" is not named back.
A message naming an order id is not split: it is about that order ("the earbuds are broken,
can you fix them? 20231120021"), and its flow has it.

``answer_parts`` replies only when at least one part was answered; otherwise the caller handles
the message whole, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasa_sdk.executor import CollectingDispatcher

from actions._decide import (
    ORDER_ID,
    decide,
    faq_text,
    is_general_question,
    is_own_case,
    search_kb,
    split_questions,
)
from actions._services import Services
from actions._text import person_button, say
from knowledge_base.api import Hit

__all__ = ["Part", "answer_parts", "question_parts"]

MAX_TITLE = 40  # a button title the customer can read at a glance


@dataclass(frozen=True)
class Part:
    text: str
    hit: Hit | None  # the knowledge base's answer, when the decision step gives it this part
    marked: bool = False  # the customer ended it with a question mark


def _marked(text: str, pieces: list[str]) -> list[bool]:
    """Whether each piece is followed by a question mark in ``text``: splitting drops the
    mark, and "hi, is shipping free?" without it reads as no question at all."""
    marked, start = [], 0
    for piece in pieces:
        at = text.find(piece, start)
        if at < 0:
            marked.append(False)
            continue
        start = at + len(piece)
        marked.append(bool(_QUESTION_MARK.match(text, start)))
    return marked


_QUESTION_MARK = re.compile(r"[\s~～…]*[？?]")


async def question_parts(services: Services, text: str, lang: str) -> list[Part]:
    """Each part of a message that asks several things; [] when it asks one thing."""
    pieces = split_questions(text)
    if len(pieces) < 2 or ORDER_ID.search(text):
        return []  # one question, or one about a named order: the decision step has it whole
    parts = []
    for piece, marked in zip(pieces, _marked(text, pieces), strict=True):
        hits, thresholds = await search_kb(services, piece, lang)
        # No intent of its own: the part is the knowledge base's only as a general question;
        # its question mark, dropped by the split, still says it is one.
        decision = decide(f"{piece}?" if marked else piece, "", hits, thresholds)
        parts.append(Part(piece, decision.hit if decision.source == "kb" else None, marked))
    return parts


def _asks(part: Part) -> bool:
    return part.marked or is_general_question(part.text) or is_own_case(part.text)


async def answer_parts(
    services: Services,
    dispatcher: CollectingDispatcher,
    text: str,
    lang: str,
) -> list[Part] | None:
    """Answer the parts the knowledge base answers and name each other question back with a
    button that asks it alone. None (nothing said) unless the message asks several things and
    at least one was answered; else the parts named back."""
    parts = await question_parts(services, text, lang)
    answered = [p for p in parts if p.hit is not None]
    if not answered:
        return None
    seen: set[str] = set()
    for part in answered:
        if part.hit is None or part.hit.faq_id in seen:
            continue
        seen.add(part.hit.faq_id)
        dispatcher.utter_message(text=faq_text(lang, part.hit.answer), faq_id=part.hit.faq_id)
    rest = [p for p in parts if p.hit is None and _asks(p)]
    if rest:
        dispatcher.utter_message(
            text=say(
                lang,
                "您还问到了下面的问题，点一下我接着帮您看～",
                "You also asked the question below — tap it and I'll look into it next.",
            ),
            buttons=[
                *({"title": p.text[:MAX_TITLE], "payload": p.text[:200]} for p in rest),
                person_button(lang),
            ],
        )
    return rest
