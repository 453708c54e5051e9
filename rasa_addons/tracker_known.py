"""The ``tracker_known`` patch: saving a conversation's tracker does not read it back.

A turn retrieves the tracker from Redis (GET, parse), then saves it; the save (``tracker_save``
in rasa_addons/patches.py, which checks on the stored JSON that the new events continue the
stored ones) GETs and parses the stored tracker once more — the text this same turn just read.
Here ``retrieve`` keeps, per conversation, the stored events it parsed and the SHA-1 of the
stored text, and the next ``save`` of that conversation checks the continuation against them and
writes with ``tracker_known.lua``: set only if the stored text still has that SHA-1. If anyone
wrote the tracker in between (another Rasa server, a REST call), the script writes nothing and
the save goes the ``tracker_save`` way (read back, continue or merge), so what is stored is what
that patch stores. Kept entries are few (``MAX_KEPT``, oldest dropped; a save takes its entry).

Imports only Rasa (its redis-py) and the standard library.
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from typing import Any

MAX_KEPT = 256

# For the tests: saves written by the script, and saves that read the tracker back.
written = 0
read_back = 0


def _kept(store: Any) -> dict[str, tuple[str, list[Any]]]:
    found: dict[str, tuple[str, list[Any]]] | None = store.__dict__.get("_kefu_kept")
    if found is None:
        found = store.__dict__["_kefu_kept"] = {}
    return found


def _keep(store: Any, sender_id: str, digest: str, events: Any) -> None:
    kept = _kept(store)
    kept.pop(sender_id, None)
    if not isinstance(events, list):
        return
    while len(kept) >= MAX_KEPT:
        kept.pop(next(iter(kept)))
    kept[sender_id] = (digest, events)


def _script(store: Any) -> Any:
    script = store.__dict__.get("_kefu_write_if")
    if script is None:
        source = (files(__package__) / "tracker_known.lua").read_text(encoding="utf-8")
        script = store.__dict__["_kefu_write_if"] = store.red.register_script(source)
    return script


async def _retrieve(self: Any, sender_id: str, fetch_all_sessions: bool) -> Any:
    """Rasa 3.6.21's ``RedisTrackerStore._retrieve``, keeping what it read for the save."""
    import rasa.shared.core.trackers
    from rasa.shared.core.conversation import Dialogue

    stored = self.red.get(self.key_prefix + sender_id)
    if stored is None:
        _keep(self, sender_id, "", [])
        return None
    text = stored if isinstance(stored, str) else stored.decode("utf-8")
    parsed = json.loads(text)
    tracker = self.init_tracker(sender_id)
    tracker.recreate_from_dialogue(Dialogue.from_parameters(parsed))
    _keep(self, sender_id, hashlib.sha1(text.encode("utf-8")).hexdigest(), parsed.get("events"))  # noqa: S324 (a content check, as Redis's sha1hex)
    if fetch_all_sessions:
        return tracker
    sessions = rasa.shared.core.trackers.get_trackers_for_conversation_sessions(tracker)
    if 0 <= len(sessions) <= 1:
        return tracker
    return sessions[-1]


async def _save(self: Any, tracker: Any, timeout: float | None = None) -> None:  # noqa: ASYNC109 (Rasa's signature: the key's expiry)
    """``RedisTrackerStore.save`` without reading back what this turn's retrieve read."""
    from rasa_addons.patches import _continuation, _store_checked

    global written, read_back
    await self.stream_events(tracker)
    seen = _kept(self).pop(tracker.sender_id, None)
    if seen is not None:
        digest, prior = seen
        dialogue = tracker.as_dialogue().as_dict()
        continued = _continuation(prior, dialogue["events"]) if digest else dialogue["events"]
        if continued is not None:
            dialogue["events"] = continued
            expiry = timeout or self.record_exp
            key = self.key_prefix + tracker.sender_id
            args = [digest, json.dumps(dialogue), str(max(1, int(expiry))) if expiry else ""]
            if _script(self)(keys=[key], args=args):
                written += 1
                return
    read_back += 1
    _store_checked(self, tracker, timeout)


def patch_tracker_known() -> None:
    from rasa.core.tracker_store import RedisTrackerStore

    RedisTrackerStore._retrieve = _retrieve
    RedisTrackerStore.save = _save
