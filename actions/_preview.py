"""What the bot would answer to one customer message, for the knowledge-base editor's preview
(``GET /kb/decide`` on the action server, internal token; the staff console asks it).

It runs the bot's own code on the action server's live knowledge base: the decision step
(``actions._decide``), the split of two questions (``actions._two_questions``) and the answer
as the customer reads it (traditional for zh-Hant). The NLU is Rasa's and is not asked here, so
the preview gives the message's two possible readings where they differ:

- ``as_question``: what the bot says when the NLU reads it as a question (``ask_faq``), as the
  FAQ action answers — ``answer`` (one FAQ, or one per question of a two-question message),
  ``likely`` (one FAQ given as a likely answer, its question named), ``choose`` (the closest
  questions offered), ``not_found`` (ask to rephrase, offer a person);
- ``as_request``: what happens when the NLU reads it as a request (an order flow): ``answer``
  when the decision step still gives it to the knowledge base (a general question), else
  ``flow`` with the reason ("the customer's own case", "names an order").
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions._decide import decide, likely_best
from actions._kb_search import faq_text, likely_answer, search_kb
from actions._services import Services
from actions._two_questions import answer_parts
from knowledge_base.api import Hit

__all__ = ["preview"]

REQUEST_INTENT = "check_order_status"  # any order flow: the rule treats them alike


def _hit(lang: str, hit: Hit) -> dict[str, Any]:
    return {
        "faq_id": hit.faq_id,
        "question": faq_text(lang, hit.question),
        "answer": faq_text(lang, hit.answer),
        "score": hit.score,
    }


async def preview(services: Services, text: str, lang: str) -> dict[str, Any]:
    """The bot's reply to ``text`` under both readings, and the hits it decided on."""
    hits, thresholds = await search_kb(services, text, lang, k=5)
    dispatcher = CollectingDispatcher()
    replies: list[dict[str, Any]] = []
    if await answer_parts(services, dispatcher, text, lang) is not None:
        as_question = "answer"
        replies = [
            {"text": m.get("text") or "", "faq_id": m.get("faq_id"), "buttons": m.get("buttons")}
            for m in dispatcher.messages
        ]
    else:
        question = decide(text, "ask_faq", hits, thresholds)
        if question.source == "kb" and question.hit is not None:
            as_question = "answer"
            replies = [{"text": faq_text(lang, question.hit.answer), "faq_id": question.hit.faq_id}]
        elif likely_best(text, hits, thresholds):
            # below *choose*, far ahead of the rest: the likely answer, its question named
            as_question = "likely"
            replies = [{"text": likely_answer(lang, hits[0]), "faq_id": hits[0].faq_id}]
        elif hits and thresholds and hits[0].score >= thresholds.choose:
            as_question = "choose"
        else:
            as_question = "not_found"
    request = decide(text, REQUEST_INTENT, hits, thresholds)
    return {
        "lang": lang,
        "as_question": as_question,
        "as_request": "answer" if request.source == "kb" else "flow",
        "request_reason": request.reason,
        "replies": replies,
        "thresholds": (
            {"confident": thresholds.confident, "choose": thresholds.choose} if thresholds else None
        ),
        "hits": [_hit(lang, h) for h in hits],
    }
