"""Checking an FAQ that comes from outside (the editor's API, an import file) before it is
stored: the limits (shared with the editor's request models), ``validate_faq`` (untrusted input →
a ``Faq``), and ``StoreError``, the refusal with a stable code that the store, the file import and
the editor's API share."""

from __future__ import annotations

from typing import Any

from knowledge_base.faq import LANGS, Faq

MAX_ID = 64
MAX_QUESTION = 500
MAX_ANSWER = 5000
MAX_SIMILAR = 50


class StoreError(ValueError):
    """A request the store refuses; ``code`` is a stable machine-readable reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def validate_faq(data: dict[str, Any]) -> Faq:
    """A Faq from untrusted input, or StoreError saying what is wrong."""
    if not isinstance(data, dict):
        raise StoreError("invalid_faq", "an FAQ must be an object")
    faq_id = str(data.get("id") or "").strip()
    if not faq_id:
        raise StoreError("invalid_faq", "id is required")
    if len(faq_id) > MAX_ID or any(c.isspace() for c in faq_id):
        raise StoreError("invalid_faq", f"id must be 1–{MAX_ID} characters without spaces")
    question = str(data.get("question") or "").strip()
    if not question:
        raise StoreError("invalid_faq", "question is required")
    if len(question) > MAX_QUESTION:
        raise StoreError("invalid_faq", f"question longer than {MAX_QUESTION} characters")
    answer = str(data.get("answer") or "").strip()
    if not answer:
        raise StoreError("invalid_faq", "answer is required")
    if len(answer) > MAX_ANSWER:
        raise StoreError("invalid_faq", f"answer longer than {MAX_ANSWER} characters")
    similar = data.get("similar_questions") or []
    if isinstance(similar, str):
        similar = [s for s in similar.replace("\r", "\n").split("\n")]
    if not isinstance(similar, list | tuple):
        raise StoreError("invalid_faq", "similar_questions must be a list of strings")
    similar = [str(s).strip() for s in similar if str(s).strip()]
    if len(similar) > MAX_SIMILAR or any(len(s) > MAX_QUESTION for s in similar):
        raise StoreError("invalid_faq", f"at most {MAX_SIMILAR} similar questions, each short")
    lang = str(data.get("lang") or "zh").strip()
    if lang not in LANGS:
        raise StoreError("invalid_faq", f"lang must be one of {', '.join(LANGS)}")
    category = str(data.get("category") or "").strip()[:64]
    return Faq(faq_id, question, answer, tuple(dict.fromkeys(similar)), category, lang)
