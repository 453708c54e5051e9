"""Two patches to Rasa 3.6.21's call of the action server (``RemoteAction.run``), applied by
``rasa_addons.patches`` behind its version guard, each under its own name.

Why: py-spy of the Rasa server during order look-ups (bench/README.md, issue 17) put a fifth
of its CPU in ``json.dumps`` of the action-call body — the whole tracker and the whole domain
(14 KB), several calls a turn — and a quarter of the action server's request handling in parsing
it back.

- ``action_json``: the body is serialised with ``ujson`` (installed with Rasa) instead of the
  standard library; anything ujson refuses (NaN, odd types) falls back to ``json.dumps``. The
  bytes sent mean the same JSON.
- ``domain_digest``: the action server (rasa-sdk ≥ 3.7) keeps the domain of the last call that
  carried one, with its digest; a call that names the same digest and no domain uses it, and a
  call whose digest it does not hold is answered 449 ("send the domain"). Rasa 3.6 predates
  this and sends the domain every time. Patched, the domain goes with the first call to an
  endpoint (and after each 449: a restarted action server, another worker), later calls carry
  only its digest.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps
from typing import Any

DIGEST_MISSING = 449  # rasa-sdk: the domain digest is unknown, send the domain


def _dumps(value: Any) -> str:
    import ujson

    try:
        return str(ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False))
    except (OverflowError, TypeError, ValueError):
        return json.dumps(value)


def json_request(original: Any) -> Any:
    """EndpointConfig.request with a ``json=`` body serialised by ujson."""

    @wraps(original)
    async def request(self: Any, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.pop("json", None)
        if body is not None:
            kwargs["data"] = _dumps(body).encode()
        return await original(self, *args, **kwargs)

    return request


def _domain_and_digest(domain: Any) -> tuple[dict[str, Any], str]:
    """The domain as the action server reads it, and its digest; made once per domain."""
    found = domain.__dict__.get("_kefu_domain_digest")
    if found is None:
        as_dict = domain.as_dict()
        text = json.dumps(as_dict, sort_keys=True, ensure_ascii=False, default=str)
        found = (as_dict, hashlib.sha256(text.encode()).hexdigest())
        domain.__dict__["_kefu_domain_digest"] = found
    return found  # type: ignore[no-any-return]


def action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
    """RemoteAction._action_call_format: the domain only when the endpoint may not hold it."""
    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    as_dict, digest = _domain_and_digest(domain)
    body: dict[str, Any] = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.ALL),
        "version": rasa.__version__,
        "domain_digest": digest,
    }
    endpoint = self.action_endpoint
    if endpoint is None or endpoint.__dict__.get("_kefu_domain_sent") != digest:
        body["domain"] = as_dict
        if endpoint is not None:
            endpoint.__dict__["_kefu_domain_sent"] = digest
    return body


def run_with_domain_retry(original: Any) -> Any:
    """RemoteAction.run, sent again with the domain when the action server answers 449."""

    @wraps(original)
    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        from rasa.shared.exceptions import RasaException
        from rasa.utils.endpoints import ClientResponseError

        try:
            return await original(self, *args, **kwargs)
        except RasaException as exc:
            cause = exc.__cause__
            if not (isinstance(cause, ClientResponseError) and cause.status == DIGEST_MISSING):
                raise
            if self.action_endpoint is not None:
                self.action_endpoint.__dict__.pop("_kefu_domain_sent", None)
            return await original(self, *args, **kwargs)

    return run


def patch_action_json() -> None:
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.request = json_request(EndpointConfig.request)


def patch_domain_digest() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._action_call_format = action_call_format
    RemoteAction.run = run_with_domain_retry(RemoteAction.run)
