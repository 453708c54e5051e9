"""Shared infrastructure of kefu: settings, logging, Redis and SQL connections, the CLI.

The public names are imported lazily, so that ``kefu.i18n`` (dependency-free but for OpenCC's
tables) also imports inside Rasa's environment, where our settings' dependencies do not exist
(rasa_addons/lang.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kefu.config import ROOT, CommonSettings
    from kefu.errors import ApiError, error_body

__all__ = ["ROOT", "ApiError", "CommonSettings", "error_body"]


def __getattr__(name: str) -> Any:
    if name in {"ROOT", "CommonSettings"}:
        from kefu import config

        return getattr(config, name)
    if name in {"ApiError", "error_body"}:
        from kefu import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'kefu' has no attribute {name!r}")
