"""``OrderIds``: only what can be an order id becomes the ``order_id`` entity.

DIET labels entities as well as intents, and a number near order words can look like an order
id to it: "ordered 2 days ago" gave ``order_id`` = "2", "微信都扣了89" gave "89", and the bot
answered "couldn't find order 2". Customers also paste ids with spaces or dashes
("2023 1120 005"), which neither DIET nor the regex extractor take whole. This component runs
after both extractors and keeps one rule for the shape — the same as ``data/nlu/regex.yml`` and
``shop.api.ORDER_ID_RE`` (1-3 letters then 5-16 digits, or 11-16 digits that are not an
11-digit mainland mobile number; restated because this package imports nothing of kefu):
an ``order_id`` entity whose value, spaces and dashes removed, has that shape is kept with the
joined value; any other is dropped; and a spaced or dashed group of digits of that shape in the
text becomes one when no extractor found an id.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ENTITY = "order_id"

_SHAPE = re.compile(r"(?:[A-Z]{1,3}[0-9]{5,16}|(?!1[3-9][0-9]{9}$)[0-9]{11,16})")
_SEPARATORS = re.compile(r"[\s\-_]+|(?<=[0-9])\.(?=[0-9])")  # "No.2023…" keeps its dot
# Digits in groups of 2+ joined by single spaces, dashes or dots ("20231120.003"), not touching
# other digits or letters.
_GROUPED = re.compile(r"(?<![A-Za-z0-9])[0-9]{2,}(?:[ \-.][0-9]{2,}){1,7}(?![A-Za-z0-9])")


def as_order_id(value: object) -> str | None:
    """The order id a value names (spaces and dashes removed, letters upper-cased), or None."""
    joined = _SEPARATORS.sub("", str(value or "")).upper()
    return joined if _SHAPE.fullmatch(joined) else None


def order_id_entities(
    text: str, entities: list[dict[str, Any]], extractor: str
) -> list[dict[str, Any]]:
    """The message's entities with ``order_id`` kept only where it can be one (see module doc)."""
    kept: list[dict[str, Any]] = []
    found = False
    for entity in entities:
        if entity.get(ENTITY_ATTRIBUTE_TYPE) != ENTITY:
            kept.append(entity)
            continue
        value = as_order_id(entity.get(ENTITY_ATTRIBUTE_VALUE))
        if value is None:
            continue
        kept.append({**entity, ENTITY_ATTRIBUTE_VALUE: value})
        found = True
    if not found:
        for match in _GROUPED.finditer(text):
            value = as_order_id(match.group())
            if value is not None:
                kept.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: ENTITY,
                        ENTITY_ATTRIBUTE_VALUE: value,
                        ENTITY_ATTRIBUTE_START: match.start(),
                        ENTITY_ATTRIBUTE_END: match.end(),
                        EXTRACTOR: extractor,
                    }
                )
                break
    return kept


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class OrderIds(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OrderIds:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text is None:
                continue
            entities = order_id_entities(
                str(text), list(message.get(ENTITIES, [])), type(self).__name__
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
