"""The knowledge-base editor's bodies (``kefu.bodies``): an FAQ to create, a change to one, a
publish — every wrong field is 400 ``invalid_faq`` (``invalid_note`` for a publish), and
``/docs`` shows the schemas. The store checks an FAQ once more (``faq_input.validate_faq``), since
imported files reach it without these models."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from kefu.bodies import BodyModel, ResponseModel
from knowledge_base.faq_input import MAX_ANSWER, MAX_ID, MAX_QUESTION, MAX_SIMILAR

MAX_CATEGORY = 64
MAX_PUBLISH_NOTE = 500

FaqId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ID, pattern=r"^\S+$")
]
Question = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION)
]
Answer = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ANSWER)
]
Similar = list[Annotated[str, StringConstraints(max_length=MAX_QUESTION)]]
Category = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_CATEGORY)]
Lang = Literal["zh", "en"]


class NewFaq(BodyModel):
    default_code: ClassVar[str] = "invalid_faq"

    id: FaqId = Field(description=f"1–{MAX_ID} characters, no spaces")
    question: Question = Field(description=f"the standard question, ≤{MAX_QUESTION} characters")
    answer: Answer = Field(description=f"≤{MAX_ANSWER} characters")
    similar_questions: Similar = Field(
        default_factory=list,
        max_length=MAX_SIMILAR,
        description=f"other ways to ask it: at most {MAX_SIMILAR}",
    )
    category: Category = ""
    lang: Lang = "zh"


class FaqChange(BodyModel):
    """The fields to change; absent (or null) ones stay as they are."""

    default_code: ClassVar[str] = "invalid_faq"

    id: str | None = Field(default=None, description="ignored: the path names the FAQ")
    question: Question | None = None
    answer: Answer | None = None
    similar_questions: Similar | None = Field(default=None, max_length=MAX_SIMILAR)
    category: Category | None = None
    lang: Lang | None = None

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_none=True, exclude={"id"})


class Publish(BodyModel):
    default_code: ClassVar[str] = "invalid_note"

    note: str = Field(default="", max_length=MAX_PUBLISH_NOTE, description="what changed")


class FaqOut(ResponseModel):
    id: str
    question: str
    answer: str
    similar_questions: list[str]
    category: str
    lang: Lang
    status: Literal["draft", "published", "archived"]
    author: str
    created_at: str | None
    updated_at: str | None


class VersionOut(ResponseModel):
    version: int
    author: str
    note: str
    created_at: str | None
    faq_count: int
