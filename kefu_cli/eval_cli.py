"""``kefu eval …``: quality measurements of the whole bot. The harness lives in
``evaluation/`` at the repository root (like ``bench/``, not an installed package), so this
command runs it as a module from there."""

from __future__ import annotations

import subprocess
import sys

import click


@click.group("eval")
def eval_group() -> None:
    """Measure the bot end to end (see the README, "Conversation evaluation")."""


@eval_group.command(
    "conversations",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def conversations(args: tuple[str, ...]) -> None:
    """Play scripted conversations (FILE.yml or a directory) through the real gateway, Rasa,
    action server and staff console, and print task success, containment, right handoffs and
    leaks per language. Options: --json OUT, --concurrency N, --model PATH, --quiet."""
    from kefu.config import ROOT

    command = [sys.executable, "-m", "evaluation", "conversations", *args]
    sys.exit(subprocess.call(command, cwd=ROOT))  # noqa: S603
