"""Work that outlives the request or socket it came from (a turn whose customer's connection
dropped, a WeChat reply sent after the passive budget): kept in the gateway's ``background``
set so that stopping the server waits for it (``bot.app``), and its failure logged, since
whoever started it may no longer be there to see it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from kefu.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")


def keep(
    background: set[asyncio.Task[Any]], work: Coroutine[Any, Any, T], what: str
) -> asyncio.Task[T]:
    """Run ``work`` as a task held in ``background`` until it ends."""
    task = asyncio.create_task(work)
    background.add(task)

    def done(finished: asyncio.Task[T]) -> None:
        background.discard(finished)
        if not finished.cancelled() and finished.exception() is not None:
            log.warning("background work failed", what=what, error=repr(finished.exception()))

    task.add_done_callback(done)
    return task
