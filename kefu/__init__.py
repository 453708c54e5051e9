"""Shared infrastructure of kefu: settings, logging, Redis and SQL connections, the CLI."""

from kefu.config import ROOT, CommonSettings
from kefu.errors import ApiError, error_body

__all__ = ["ROOT", "ApiError", "CommonSettings", "error_body"]
