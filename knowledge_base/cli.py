"""``kefu kb …``: the knowledge base's command-line tools."""

from __future__ import annotations

import click


@click.group()
def kb() -> None:
    """FAQ knowledge base: import, export, search, eval."""
