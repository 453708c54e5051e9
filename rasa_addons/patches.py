"""Runtime patches for Rasa 3.6.21, applied by ``python -m rasa_addons`` before Rasa starts.

Why a patch: ``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result,
schema)`` for every action-server response. ``validate`` first checks the *schema itself*
against its meta-schema (draft 2020-12 with dynamic references under jsonschema 4.17) and builds
a new validator each time; on a 2-core machine that was 60 % of the Rasa server's CPU per turn
(py-spy, bench/bot_rest.py). The schema is a constant, so it is checked once and one validator is
reused; responses are validated exactly as before (same validator class, same best-match error).
Rasa Open Source gets no more releases, so this cannot be fixed upstream.

Two more costs of every turn that grow with the conversation (py-spy under 500 WebSocket
customers): ``Event.resolve_by_type`` walks every ``Event`` subclass anew for each stored event it
reads back (the class map is now built once, and rebuilt if a name is not in it), and
``RedisTrackerStore.save`` reads the stored tracker back into Event objects and replays it to
check the new tracker continues it. The check is now made on the stored JSON (the new events
must start with the stored ones); only when they do not — e.g. a conversation with earlier
sessions, which Rasa keeps in the same key — does Rasa's own merge run.

Last, after the model is loaded every object that exists then (TensorFlow, the model, the
domain: hundreds of thousands) is moved out of the garbage collector's generations with
``gc.freeze()``, so the collections that run while serving only walk what turns allocate.
"""

from __future__ import annotations

import gc
import json
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


_event_types: dict[str, Any] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    if type_name not in _event_types:
        # Same order as Rasa's loop, so the first subclass with the name wins as before.
        for cls in all_subclasses(Event):
            _event_types.setdefault(cls.type_name, cls)
    found = _event_types.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # Rasa's backwards compatibility for old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


async def _redis_save(self: Any, tracker: Any, timeout: float | None = None) -> None:  # noqa: ASYNC109 (Rasa's signature: the key's expiry)
    """RedisTrackerStore.save, with the continuation check made on the stored JSON."""
    await self.stream_events(tracker)
    if not timeout and self.record_exp:
        timeout = self.record_exp
    key = self.key_prefix + tracker.sender_id
    dialogue = tracker.as_dialogue().as_dict()
    stored = self.red.get(key)
    if stored is not None:
        prior = json.loads(stored).get("events")
        if not isinstance(prior, list) or dialogue["events"][: len(prior)] != prior:
            # Not a plain continuation: Rasa's own merge, exactly as before.
            prior_tracker = self.deserialise_tracker(tracker.sender_id, stored)
            tracker = self._merge_trackers(prior_tracker, tracker)
            dialogue = tracker.as_dialogue().as_dict()
    self.red.set(key, json.dumps(dialogue), ex=timeout)


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
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    RedisTrackerStore.save = _redis_save
    rasa.core.run.load_agent_on_start = _freeze_after_load(rasa.core.run.load_agent_on_start)
    _applied = True
