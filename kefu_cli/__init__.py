"""The ``kefu`` command and ``kefu demo``: the composition root, the only package that knows
every other one (it registers every package's tables and seeds the demo data)."""

from kefu_cli.cli import main

__all__ = ["main"]
