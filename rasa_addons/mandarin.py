"""The NLU reads Mainland Mandarin; everything after it sees what the customer typed.

``ToMandarin`` (first in the pipeline) rewrites a message's text the way ``kefu.mandarin`` does
for the knowledge base and the actions: traditional → simplified characters (OpenCC t2s), then
the regional words of ``data/mandarin/regional.txt`` (Hong Kong Cantonese, Taiwan) → Mainland
ones, so "有冇得用八達通俾錢" is read as "能不能用八达通付钱" by a model whose examples are
mostly simplified Mandarin. ``AsTyped`` (last) puts the typed text back and moves the entities'
offsets onto it, so the tracker, the actions and the transcripts keep the customer's words.

Both are inference-only (non-trainable components join Rasa's predict graph only): the training
examples are read as written, so the model trained from the same data is the same model. Rasa
reads the table from the project root, whatever its working directory.

Restates ``kefu.mandarin`` (this package may not import kefu);
``tests/rasa_addons/test_mandarin.py`` holds the two to the same answers.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.lang import TYPED_TEXT as _TYPED
from rasa_addons.lang import _t2s

# The project root (this package's parent): Rasa may run from any working directory
# (`kefu rasa` sets PYTHONPATH for the import), so a relative table path is read from there.
_ROOT = Path(__file__).resolve().parent.parent
TABLE = "data/mandarin/regional.txt"
# Message keys (not in the parse's output) that carry the typed text to AsTyped.
_SPANS = "kefu_mandarin_spans"


@lru_cache(maxsize=4)
def _compiled(path: str) -> tuple[dict[str, str], re.Pattern[str] | None]:
    table: dict[str, str] = {}
    file = Path(path) if Path(path).is_absolute() else _ROOT / path
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        regional, _, mandarin = line.partition("\t")
        table[regional.strip()] = mandarin.strip()
    if not table:
        return table, None
    words = sorted(table, key=len, reverse=True)  # longest first: "烂咗" before "咗"
    return table, re.compile("|".join(re.escape(w) for w in words))


def to_mandarin(text: str, path: str = TABLE) -> tuple[str, list[tuple[int, int, int, int]]]:
    """The text in Mainland Mandarin and the replaced spans ``(typed start, typed end, new
    start, new end)``. t2s maps character for character here (no phrase changes length in
    the t2s tables for shop text; checked in the test), so only the table moves offsets."""
    simplified = str(_t2s().convert(text))
    if len(simplified) != len(text):  # a t2s phrase of another length: leave the text alone
        simplified = text
    table, pattern = _compiled(path)
    if pattern is None:
        return simplified, []
    spans: list[tuple[int, int, int, int]] = []
    out: list[str] = []
    last = shift = 0
    for m in pattern.finditer(simplified):
        new = table[m.group(0)]
        out.append(simplified[last : m.start()])
        out.append(new)
        spans.append((m.start(), m.end(), m.start() + shift, m.start() + shift + len(new)))
        shift += len(new) - (m.end() - m.start())
        last = m.end()
    out.append(simplified[last:])
    return "".join(out), spans


def typed_offset(spans: list[tuple[int, int, int, int]], offset: int, end: bool) -> int:
    """An offset in the Mandarin text as an offset in the typed text (inside a replaced word:
    that word's start, or its end for an entity's end)."""
    i = bisect.bisect_right([s[2] for s in spans], offset) - 1
    if i < 0:
        return offset
    t_start, t_end, n_start, n_end = spans[i]
    if offset >= n_end:
        return offset - n_end + t_end
    if offset == n_start:
        return t_start
    return t_end if end else t_start


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ToMandarin(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"table": TABLE}

    def __init__(self, table: str) -> None:
        self._table = table
        _compiled(table)  # fail at load, not at the first message, if the table is missing

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ToMandarin:
        return cls(str(config.get("table") or TABLE))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            mandarin, spans = to_mandarin(str(text), self._table)
            if mandarin != text:
                message.set(_TYPED, str(text))
                message.set(_SPANS, spans)
                message.set(TEXT, mandarin)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class AsTyped(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AsTyped:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            typed = message.get(_TYPED)
            if typed is None:
                continue
            spans = message.get(_SPANS) or []
            entities = []
            for entity in message.get(ENTITIES, []):
                entity = dict(entity)
                if ENTITY_ATTRIBUTE_START in entity and ENTITY_ATTRIBUTE_END in entity:
                    entity[ENTITY_ATTRIBUTE_START] = typed_offset(
                        spans, int(entity[ENTITY_ATTRIBUTE_START]), end=False
                    )
                    entity[ENTITY_ATTRIBUTE_END] = typed_offset(
                        spans, int(entity[ENTITY_ATTRIBUTE_END]), end=True
                    )
                entities.append(entity)
            message.set(ENTITIES, entities, add_to_output=True)
            message.set(TEXT, typed)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
