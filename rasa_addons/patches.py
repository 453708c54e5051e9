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
check the new tracker continues it. The check is now made on the stored JSON: the new events
must start with the stored ones, or with the stored ones from the last session start on (what
``retrieve`` returns; the events before it are kept, as Rasa's merge keeps them). Only when
neither holds does Rasa's own merge run.

``EndpointConfig.request`` opens a new aiohttp session, and so a new TCP connection to the
action server, for every action it runs (several a turn); one kept-open session per endpoint
and event loop is used instead.

Each patch has a name (``PATCHES``); ``KEFU_RASA_PATCHES`` picks them: unset or ``on`` the
measured ones (``DEFAULT``), ``all`` every one, ``off`` none (Rasa as released), or a
comma-separated list of names. They are applied only on
Rasa ``RASA_VERSION``; on another release Rasa runs unpatched and says so in its log.

``action_json`` and ``domain_digest`` (rasa_addons/action_call.py) make the body of each
action-server call cheaper: serialised with ujson, and the domain sent once per endpoint
rather than with every call. Measured alone in one process (``bench/rasa_turn_parts.py
--parts action_body``) a turn's three bodies cost 0.88 → 0.39 ms of Rasa's CPU, so they are in
``DEFAULT`` since 2026-12-05 (on a loaded machine bot_rest alone could not show it).

``model_load`` (rasa_addons/model_load.py) loads DIET's saved weights without first training
the model one step to create them: the Rasa server starts in a third of the CPU.
``diet_predict`` (rasa_addons/diet_predict.py) calls DIET's traced inference graph directly,
skipping the ``tf.function`` dispatch on every message (~1 ms of CPU a message).
``past_states`` (rasa_addons/past_states.py) replays the tracker's history once per prediction
rather than once for each policy call (MemoizationPolicy once, RulePolicy twice).
``tracker_known`` (rasa_addons/tracker_known.py) saves the tracker without reading back what
the turn's retrieve read: written only if the stored text is still that one (a Lua check). It is
opt-in: measured alone (bench/rasa_turn_parts.py) it saved nothing beyond the noise.
``graph_runner`` (rasa_addons/graph_runner.py) runs the model's graph (each parse, each action
prediction) in an order computed once, without dask's scheduler. ``sparse_combine``
(rasa_addons/sparse_combine.py) joins a message's sparse features as ``bmat`` does, without
``scipy.sparse.hstack``'s general path (five joins a parse).
``lock_store`` (rasa_addons/lock_store.py) takes and releases Rasa's Redis ticket lock with one
Lua script each (two round trips a turn instead of seven), in Rasa's stored format.

Last, after the model is loaded every object that exists then (TensorFlow, the model, the
domain: hundreds of thousands) is moved out of the garbage collector's generations with
``gc.freeze()``, so the collections that run while serving only walk what turns allocate.
"""

from __future__ import annotations

import gc
import json
import logging
from functools import lru_cache, wraps
from typing import Any

_applied = False
log = logging.getLogger(__name__)


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
    _store_checked(self, tracker, timeout)


def _store_checked(self: Any, tracker: Any, timeout: float | None) -> None:
    """The rest of ``_redis_save`` once the events are streamed: read what is stored, store
    its continuation (or Rasa's merge)."""
    if not timeout and self.record_exp:
        timeout = self.record_exp
    key = self.key_prefix + tracker.sender_id
    dialogue = tracker.as_dialogue().as_dict()
    stored = self.red.get(key)
    if stored is not None:
        prior = json.loads(stored).get("events")
        continued = _continuation(prior, dialogue["events"])
        if continued is None:
            # Not a continuation: Rasa's own merge, exactly as before.
            prior_tracker = self.deserialise_tracker(tracker.sender_id, stored)
            tracker = self._merge_trackers(prior_tracker, tracker)
            dialogue = tracker.as_dialogue().as_dict()
        else:
            dialogue["events"] = continued
    self.red.set(key, json.dumps(dialogue), ex=timeout)


def _continuation(prior: Any, new: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The events Rasa's merge would store when ``new`` continues what is stored, else None.

    ``retrieve`` hands Rasa only the last session: the events from the last
    ``action_session_start`` on. Everything before it — earlier sessions, and the
    ``session_started_metadata`` slot Rasa sets just before every session start — is kept from
    the stored copy, as ``_merge_trackers`` keeps it."""
    if not isinstance(prior, list):
        return None
    if new[: len(prior)] == prior:
        return new
    start = next(
        (
            i
            for i in range(len(prior) - 1, -1, -1)
            if isinstance(prior[i], dict)
            and prior[i].get("event") == "action"
            and prior[i].get("name") == "action_session_start"
        ),
        None,
    )
    if start is None or start == 0:
        return None
    tail = prior[start:]
    if new[: len(tail)] != tail:
        return None
    return prior[:start] + new


def _session_for(endpoint: Any) -> Any:
    """One kept-open aiohttp session per endpoint and event loop (Sanic workers each have
    their own loop), so connections to the action server are reused between calls."""
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    found = getattr(endpoint, "_kefu_session", None)
    if found is not None and found[0] is loop and not found[1].closed:
        return found[1]
    session = aiohttp.ClientSession(
        headers=endpoint.headers,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        # Idle connections are dropped well before the action server's keep-alive (120 s).
        connector=aiohttp.TCPConnector(keepalive_timeout=15),
    )
    endpoint._kefu_session = (loop, session)
    return session


def _endpoint_request(original: Any) -> Any:
    """EndpointConfig.request without a new aiohttp session — and so a new TCP connection —
    for every call; Rasa opens one per action-server call. Endpoints with basic auth or a CA
    file keep Rasa's own path; everything else is Rasa's code with a kept-open session."""

    @wraps(original)
    async def request(
        self: Any,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        if self.basic_auth or self.cafile:
            return await original(self, method, subpath, content_type, compress, **kwargs)
        from aiohttp import ContentTypeError
        from rasa.utils.endpoints import ClientResponseError, concat_url

        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if "headers" in kwargs:
            headers.update(kwargs.pop("headers"))
        if self.headers:
            headers.update(self.headers)
        url = concat_url(self.url, subpath)
        async with _session_for(self).request(
            method,
            url,
            headers=headers,
            params=self.combine_parameters(kwargs),
            compress=compress,
            **kwargs,
        ) as response:
            if response.status >= 400:
                raise ClientResponseError(
                    response.status, response.reason, await response.content.read()
                )
            try:
                return await response.json()
            except ContentTypeError:
                return None

    return request


def _freeze_after_load(load: Any) -> Any:
    @wraps(load)
    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        agent = await load(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return agent

    return load_then_freeze


# The Rasa release these patches were written against and checked on (tests/rasa_addons).
# Another version runs unpatched: the patched methods may have changed there.
RASA_VERSION = "3.6.21"


def _patch_action_schema() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result


def _patch_event_types() -> None:
    from rasa.shared.core.events import Event

    Event.resolve_by_type = staticmethod(_resolve_by_type)


def _patch_tracker_save() -> None:
    from rasa.core.tracker_store import RedisTrackerStore

    RedisTrackerStore.save = _redis_save


def _patch_action_session() -> None:
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.request = _endpoint_request(EndpointConfig.request)


def _patch_gc_freeze() -> None:
    import rasa.core.run

    rasa.core.run.load_agent_on_start = _freeze_after_load(rasa.core.run.load_agent_on_start)


def _patch_action_json() -> None:
    from rasa_addons.action_call import patch_action_json

    patch_action_json()


def _patch_domain_digest() -> None:
    from rasa_addons.action_call import patch_domain_digest

    patch_domain_digest()


def _patch_diet_predict() -> None:
    from rasa_addons.diet_predict import patch_diet_predict

    patch_diet_predict()


def _patch_past_states() -> None:
    from rasa_addons.past_states import patch_past_states

    patch_past_states()


def _patch_tracker_known() -> None:
    from rasa_addons.tracker_known import patch_tracker_known

    patch_tracker_known()


def _patch_lock_store() -> None:
    from rasa_addons.lock_store import patch_lock_store

    patch_lock_store()


def _patch_graph_runner() -> None:
    from rasa_addons.graph_runner import patch_graph_runner

    patch_graph_runner()


def _patch_sparse_combine() -> None:
    from rasa_addons.sparse_combine import patch_sparse_combine

    patch_sparse_combine()


def _patch_model_load() -> None:
    from rasa_addons.model_load import patch_model_load

    patch_model_load()


# Each patch on its own, by the name KEFU_RASA_PATCHES uses (bench/rasa_patches.py measures
# each alone).
PATCHES = {
    "action_schema": _patch_action_schema,
    "event_types": _patch_event_types,
    "tracker_save": _patch_tracker_save,
    "action_session": _patch_action_session,
    "gc_freeze": _patch_gc_freeze,
    # rasa_addons/action_call.py: the action-call body (issue 17's profile)
    "action_json": _patch_action_json,
    "domain_digest": _patch_domain_digest,
    # rasa_addons/model_load.py: DIET's weights loaded without a training step (start-up)
    "model_load": _patch_model_load,
    # rasa_addons/diet_predict.py: DIET's traced inference graph called directly (issue 17)
    "diet_predict": _patch_diet_predict,
    # rasa_addons/past_states.py: the tracker's history replayed once per prediction (issue 17)
    "past_states": _patch_past_states,
    # rasa_addons/tracker_known.py: the tracker saved without reading it back (issue 17)
    "tracker_known": _patch_tracker_known,
    # rasa_addons/lock_store.py: the Redis ticket lock in two round trips a turn (issue 17)
    "lock_store": _patch_lock_store,
    # rasa_addons/graph_runner.py: the model graph run in a kept order, without dask (issue 17)
    "graph_runner": _patch_graph_runner,
    # rasa_addons/sparse_combine.py: a message's sparse features joined without hstack (issue 17)
    "sparse_combine": _patch_sparse_combine,
}
# What unset / "on" applies: the patches measured to pay (bench/rasa_patches.py).
DEFAULT = (
    "action_schema",
    "event_types",
    "tracker_save",
    "action_session",
    "gc_freeze",
    "model_load",
    "diet_predict",
    "past_states",
    "lock_store",
    "graph_runner",
    "action_json",
    "domain_digest",
    "sparse_combine",
)
_applied_names: list[str] = []


def selected(setting: str | None) -> list[str]:
    """The patches a ``KEFU_RASA_PATCHES`` value selects: unset, empty or ``on`` → ``DEFAULT``;
    ``all`` → every one; ``off`` → none; else a comma-separated list of names from ``PATCHES``."""
    value = (setting or "").strip().lower()
    if value in {"", "on"}:
        return list(DEFAULT)
    if value == "all":
        return list(PATCHES)
    if value in {"off", "none"}:
        return []
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in PATCHES]
    if unknown:
        raise ValueError(
            f"KEFU_RASA_PATCHES: unknown patch {', '.join(unknown)}; "
            f"use on, off or some of {', '.join(PATCHES)}"
        )
    return names


def apply(setting: str | None = None) -> list[str]:
    """Install the patches ``setting`` selects (``KEFU_RASA_PATCHES``; default ``DEFAULT``), once.

    Returns the names applied. On a Rasa other than ``RASA_VERSION`` nothing is patched and a
    warning says so: Rasa then runs as released (slower, never wrong)."""
    global _applied
    if _applied:
        return list(_applied_names)
    names = selected(setting)
    import rasa.version

    if names and rasa.version.__version__ != RASA_VERSION:
        log.warning(
            "kefu's Rasa patches are for Rasa %s, this is %s: running unpatched",
            RASA_VERSION,
            rasa.version.__version__,
        )
        names = []
    for name in names:
        PATCHES[name]()
    _applied_names[:] = names
    _applied = True
    log.info("kefu's Rasa patches: %s", ", ".join(names) or "none")
    return list(names)
