"""Runtime patches for Rasa 3.6.21, applied by ``python -m rasa_addons`` before Rasa starts.

Why a patch: ``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result,
schema)`` for every action-server response. ``validate`` first checks the *schema itself*
against its meta-schema (draft 2020-12 with dynamic references under jsonschema 4.17) and builds
a new validator each time; on a 2-core machine that was 60 % of the Rasa server's CPU per turn
(py-spy, bench/bot_rest.py). The schema is a constant, so it is checked once and one validator is
reused; responses are validated exactly as before (same validator class, same best-match error).
Rasa Open Source gets no more releases, so this cannot be fixed upstream.

Second, after the model is loaded every object that exists then (TensorFlow, the model, the
domain: hundreds of thousands) is moved out of the garbage collector's generations with
``gc.freeze()``, so the collections that run while serving only walk what turns allocate.
"""

from __future__ import annotations

import gc
from functools import lru_cache, wraps
from typing import Any

_applied = False


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    # The message Rasa's own implementation adds.
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    assert isinstance(error, ValidationError)
    raise error


def _freeze_after_load(load: Any) -> Any:
    @wraps(load)
    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        agent = await load(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return agent

    return load_then_freeze


def apply() -> None:
    """Install the patches (idempotent)."""
    global _applied
    if _applied:
        return
    import rasa.core.run
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
    rasa.core.run.load_agent_on_start = _freeze_after_load(rasa.core.run.load_agent_on_start)
    _applied = True
