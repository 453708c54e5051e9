"""``CustomerLanguage``: the customer's language as the ``lang`` entity of every message.

The gateway sends the language it settled on in the message's metadata (``lang``: the
customer's choice, else what the text looks like); without metadata (``rasa shell``,
``rasa test``) the text decides, with the same rules as the gateway's ``kefu.i18n`` — restated
here because this package runs in Rasa's environment and imports nothing of kefu;
``tests/rasa_addons/test_lang.py`` holds the two to the same answers. The ``lang``
slot maps from this entity, so it is set inside Rasa on every message: the custom slot mapping it
replaces cost an action-server round trip per turn.

The entity is zero-width (start = end = 0): it describes the message, not a span of it, so it
never overlaps a token that DIET or the regex extractor label.
"""

from __future__ import annotations

import re
from functools import lru_cache
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
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ENTITY = "lang"
# The text as the customer typed it, when ``rasa_addons.mandarin.ToMandarin`` rewrote TEXT for
# the model (the language is the typed text's).
TYPED_TEXT = "kefu_text_as_typed"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # opencc-python-reimplemented, installed in Rasa's environment too

    return opencc.OpenCC("t2s")


def detect_lang(text: str) -> str:
    """CJK text that OpenCC's t2s changes is traditional; Latin letters only, English."""
    han = "".join(_CJK.findall(text))
    if han:
        return "zh-Hant" if str(_t2s().convert(han)) != han else "zh"
    return "en" if _LATIN.search(text) else "zh"


def normalise_lang(value: str) -> str | None:
    """What clients send (zh, zh-CN, zh-TW, zh-Hant, en-US, …) as zh / zh-Hant / en."""
    v = value.strip().lower().replace("_", "-")
    if not v:
        return None
    if v.startswith("en"):
        return "en"
    if v in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or v.startswith("zh-hant"):
        return "zh-Hant"
    return "zh" if v.startswith("zh") else None


def message_lang(text: str, metadata: Any) -> str:
    """``zh`` | ``zh-Hant`` | ``en``: the gateway's choice if it sent one, else the text's."""
    if isinstance(metadata, dict):
        chosen = normalise_lang(str(metadata.get("lang") or ""))
        if chosen:
            return chosen
    return detect_lang(text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CustomerLanguage(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CustomerLanguage:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TYPED_TEXT) or message.get(TEXT)
            if text is None:
                continue
            entity = {
                ENTITY_ATTRIBUTE_TYPE: ENTITY,
                ENTITY_ATTRIBUTE_VALUE: message_lang(str(text), message.get(METADATA)),
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: 0,
                EXTRACTOR: type(self).__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
