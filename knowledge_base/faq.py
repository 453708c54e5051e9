"""The FAQ record and the FAQ / labelled-query file formats (JSON Lines)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Faq:
    id: str
    question: str
    answer: str
    similar_questions: tuple[str, ...] = field(default_factory=tuple)
    category: str = ""
    lang: str = "zh"

    @property
    def texts(self) -> list[str]:
        """Question first, then the similar questions: what the index holds for this FAQ."""
        seen: list[str] = []
        for text in (self.question, *self.similar_questions):
            if text.strip() and text not in seen:
                seen.append(text)
        return seen

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "similar_questions": list(self.similar_questions),
            "answer": self.answer,
            "category": self.category,
            "lang": self.lang,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Faq:
        similar = data.get("similar_questions") or []
        if isinstance(similar, str):
            similar = [s for s in similar.replace("\r", "\n").split("\n") if s.strip()]
        return cls(
            id=str(data["id"]).strip(),
            question=str(data["question"]).strip(),
            answer=str(data.get("answer") or "").strip(),
            similar_questions=tuple(str(s).strip() for s in similar if str(s).strip()),
            category=str(data.get("category") or "").strip(),
            lang=str(data.get("lang") or "zh").strip() or "zh",
        )


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    gold: tuple[str, ...]


def _json_lines(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc


def load_faqs(path: str | Path) -> list[Faq]:
    return [Faq.from_json(row) for row in _json_lines(Path(path))]


def load_queries(path: str | Path) -> list[LabelledQuery]:
    out = []
    for row in _json_lines(Path(path)):
        gold = row.get("gold") or []
        out.append(LabelledQuery(str(row["query"]), tuple(str(g) for g in gold)))
    return out
