"""The Lua scripts of the conversation state machine and of routing, one file each.

Every key a script touches is passed as a declared key, and the keys of one script share a
hash tag (see ``kefu.redis_keys``), so the same scripts run on one Redis, Sentinel or Cluster.
Scripts whose name does not start with ``_`` are loaded with ``load``; routing scripts get the
helpers of ``_hub.lua`` prepended."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

HUB_SCRIPTS = frozenset({"begin", "assign", "reconcile", "presence"})


@cache
def load(name: str) -> str:
    """The source of script ``name`` (``handoff/lua/<name>.lua``)."""
    here = files(__package__)
    source = (here / f"{name}.lua").read_text(encoding="utf-8")
    if name in HUB_SCRIPTS:
        source = (here / "_hub.lua").read_text(encoding="utf-8") + "\n" + source
    return source
