"""The ``lock_store`` patch: Rasa's Redis ticket lock in two round trips a turn, not seven.

Every turn runs under ``RedisLockStore.lock(conversation_id)``: Rasa issues a ticket (GET, SET),
checks it is the one served (GET), and at the end removes it (GET, SET), asks whether anyone
else waits (GET) and deletes the lock (DEL) — seven synchronous commands, each blocking the
event loop for a round trip, and each read-modify-write open to another server's write in
between. Here issuing is one Lua script (``lock_issue.lua``: the expired tickets dropped, a
ticket appended, the lock stored, the ticket served now returned) and the end another
(``lock_finish.lua``: the ticket and the expired ones removed, the lock deleted when no ticket
is left). The lock is stored in Rasa's format (``TicketLock.dumps``: each ticket's own JSON in
a list), so a Rasa server without the patch shares it; when another ticket is served first, the
turn waits in Rasa's own ``_acquire_lock`` loop, as before. The clock is the Rasa server's, as
in Rasa (``time.time()`` passed to the scripts).

Imports only Rasa (its redis-py) and the standard library.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

# For the tests: locks taken at once by the script, and locks that waited in Rasa's loop.
at_once = 0
waited = 0


def _script(store: Any, name: str) -> Any:
    attribute = f"_kefu_{name}"
    script = store.__dict__.get(attribute)
    if script is None:
        source = (files(__package__) / f"{name}.lua").read_text(encoding="utf-8")
        script = store.__dict__[attribute] = store.red.register_script(source)
    return script


def _lock(original: Any) -> Any:
    from rasa.core.lock import TicketLock
    from rasa.core.lock_store import LOCK_LIFETIME, LockError

    @asynccontextmanager
    async def lock(
        self: Any,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[Any]:
        global at_once, waited
        key = self.key_prefix + conversation_id
        try:
            number, serving, stored = _script(self, "lock_issue")(
                keys=[key], args=[conversation_id, repr(time.time()), repr(float(lock_lifetime))]
            )
        except Exception as e:  # as Rasa's issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        number = int(number)
        try:
            if int(serving) == number:
                at_once += 1
                text = stored if isinstance(stored, str) else stored.decode("utf-8")
                yield TicketLock.from_dict(json.loads(text))
            else:
                waited += 1
                yield await self._acquire_lock(conversation_id, number, wait_time_in_seconds)
        finally:
            _script(self, "lock_finish")(keys=[key], args=[number, repr(time.time())])

    lock.__wrapped__ = original  # type: ignore[attr-defined]
    return lock


def patch_lock_store() -> None:
    from rasa.core.lock_store import RedisLockStore

    RedisLockStore.lock = _lock(RedisLockStore.lock)
