"""The conversation file format (YAML), validated with pydantic. README: "Conversation
evaluation" documents it; this module is the one definition."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

Lang = Literal["zh", "zh-Hant", "en"]
Owner = Literal["bot", "queued", "agent", "closed"]


class Expect(BaseModel):
    """What the bot's replies to one turn must (not) say. Matching is case-insensitive and
    on the replies' text and button titles together."""

    model_config = ConfigDict(extra="forbid")

    all: list[str] = Field(default_factory=list, description="every one must appear")
    any: list[str] = Field(default_factory=list, description="at least one must appear")
    none: list[str] = Field(default_factory=list, alias="not", description="none may appear")
    buttons: bool | None = Field(None, description="the replies offer buttons (or not)")


class Turn(BaseModel):
    """One customer action: type ``say``, or tap a button of the bot's last replies — by its
    1-based position or by (part of) its title."""

    model_config = ConfigDict(extra="forbid")

    say: str | None = None
    tap: int | str | None = None
    expect: Expect = Field(default_factory=Expect)

    @model_validator(mode="after")
    def _one_action(self) -> Turn:
        if (self.say is None) == (self.tap is None):
            raise ValueError("a turn has exactly one of 'say' or 'tap'")
        return self


class Conversation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    lang: Lang
    customer: str | None = Field(None, description="shop customer id; none: anonymous")
    category: str = "other"
    needs_human: bool = Field(False, description="a person should have the chat at the end")
    owner: Owner | None = Field(None, description="the owner at the end, if it matters")
    turns: list[Turn] = Field(min_length=1)


class ConversationFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # customer id -> strings only that customer may see (names, phones, order ids, …)
    private: dict[str, list[str]] = Field(default_factory=dict)
    conversations: list[Conversation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> ConversationFile:
        seen: set[str] = set()
        for conv in self.conversations:
            if conv.id in seen:
                raise ValueError(f"conversation id {conv.id!r} is used twice")
            seen.add(conv.id)
        return self


def load(paths: list[Path]) -> ConversationFile:
    """One or more files (or directories of ``*.yml``) merged; ``private`` maps are joined."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yml")) if path.is_dir() else [path])
    private: dict[str, list[str]] = {}
    conversations: list[Conversation] = []
    for file in files:
        parsed = ConversationFile.model_validate(yaml.safe_load(file.read_text("utf-8")))
        for customer, values in parsed.private.items():
            private.setdefault(customer, []).extend(values)
        conversations.extend(parsed.conversations)
    if not conversations:
        raise ValueError(f"no conversations in {', '.join(map(str, paths))}")
    return ConversationFile(private=private, conversations=conversations)
