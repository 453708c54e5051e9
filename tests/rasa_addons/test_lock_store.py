"""The ``lock_store`` patch (rasa_addons/lock_store.py) on a real Redis: the conversation's
lock stays exclusive and first come first served — between patched servers and with a server
running Rasa's own lock —, expired tickets do not block, nothing is left behind, and an
uncontended turn costs two commands instead of seven."""

from __future__ import annotations

from tests.rasa_addons.test_rasa_addons import _in_rasa_env

# Run in .venv-rasa: tasks that hold one conversation's lock a while, in one event loop, on
# separate stores (separate servers); who held it when, and Redis's command counts.
LOCK_CHECK = r"""
import asyncio, json, sys, time
from urllib.parse import urlsplit
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import RedisLockStore
from rasa_addons import lock_store

url = urlsplit(sys.argv[1])
rasas_lock = RedisLockStore.lock
KEY = RedisLockStore(host=url.hostname, port=url.port, db=int(url.path.strip("/") or 0),
                     key_prefix="kefulocktest").key_prefix + "conv"

def store():
    return RedisLockStore(host=url.hostname, port=url.port, db=int(url.path.strip("/") or 0),
                          key_prefix="kefulocktest")

def counted(s):
    # the commands this store's client sends (a script's own commands run inside Redis)
    calls = []
    send = s.red.execute_command
    s.red.execute_command = lambda *a, **k: calls.append(a[0]) or send(*a, **k)
    return calls

async def one_turn(s, lock):
    async with lock(s, "turn"):
        pass

async def hold(s, name, log, own_lock=False):
    lock = rasas_lock if own_lock else RedisLockStore.lock
    async with lock(s, "conv", wait_time_in_seconds=0.02):
        log.append(("in", name, time.monotonic()))
        await asyncio.sleep(0.15)
        log.append(("out", name, time.monotonic()))

def exclusive(log):
    holder = None
    for what, name, _ in sorted(log, key=lambda x: x[2]):
        if what == "in":
            if holder is not None:
                return False
            holder = name
        else:
            holder = None
    return True

async def contend(n, mixed):
    stores = [store() for _ in range(n)]
    log = []
    tasks = []
    for i, s in enumerate(stores):
        tasks.append(asyncio.create_task(hold(s, f"t{i}", log, own_lock=mixed and i % 2 == 1)))
        await asyncio.sleep(0.01)  # t0 asks first, then t1, ...
    await asyncio.gather(*tasks)
    order = [name for what, name, _ in sorted(log, key=lambda x: x[2]) if what == "in"]
    return {"exclusive": exclusive(log), "order": order, "left": stores[0].red.exists(KEY)}

async def main():
    out = {}
    s = store()
    calls = counted(s)
    await one_turn(s, rasas_lock)
    out["rasa_commands"] = len(calls)
    lock_store.patch_lock_store()
    await one_turn(s, RedisLockStore.lock)  # loads the scripts
    del calls[:]
    async with RedisLockStore.lock(s, "conv") as held:
        out["held"] = [t.number for t in held.tickets]
    out["commands"] = len(calls)
    out["stored"] = TicketLock.from_dict(json.loads(s.red.get(KEY) or "{}")).conversation_id
    out["left_alone"] = s.red.exists(KEY)
    # someone's expired ticket does not block
    old = TicketLock("conv")
    old.tickets.append(Ticket(7, time.time() - 5))
    s.red.set(KEY, old.dumps())
    async with RedisLockStore.lock(s, "conv", wait_time_in_seconds=0.02) as held:
        out["after_expired"] = [t.number for t in held.tickets]
    out["patched"] = await contend(4, mixed=False)
    out["mixed"] = await contend(4, mixed=True)
    out["at_once"], out["waited"] = lock_store.at_once, lock_store.waited
    print(json.dumps(out))

asyncio.run(main())
"""


def test_the_lock_stays_exclusive_in_order_and_costs_two_commands(redis_url: str):
    result = _in_rasa_env(LOCK_CHECK, redis_url)
    assert result["held"] == [0] and result["stored"] is None  # released: no lock left
    assert result["rasa_commands"] == 7
    assert result["commands"] == 2  # one script to take it, one to give it back
    assert result["left_alone"] == 0
    assert result["after_expired"] == [0]  # the expired ticket dropped, as Rasa drops it
    for run in ("patched", "mixed"):
        assert result[run]["exclusive"], run
        assert result[run]["order"] == ["t0", "t1", "t2", "t3"], run
        assert result[run]["left"] == 0, run
    assert result["waited"] >= 3
