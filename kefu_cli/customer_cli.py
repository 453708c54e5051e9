"""``kefu customer export|erase ID``: a customer's data on request (PIPL), from the command line.
The same code as the admin API (``handoff.customer_data``); the audit log names the operator
as ``cli:<system user>``."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click

from kefu.file_modes import FILE_MODE


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid-{os.getuid()}"


def _run(action: Callable[[Any], Awaitable[Any]]) -> Any:
    from handoff.audit import AuditLog
    from handoff.customer_data import CustomerData
    from kefu.config import CommonSettings
    from kefu.db import make_async_engine
    from kefu.errors import ApiError
    from kefu.redis_client import async_client
    from kefu_cli.cli import _require_schema

    _require_schema()
    settings = CommonSettings()

    async def run() -> Any:
        engine = make_async_engine(settings.database_url)
        redis = async_client(settings.redis_url, decode_responses=False)
        try:
            return await action(CustomerData(engine, redis, AuditLog(engine)))
        except ApiError as exc:
            raise click.ClickException(exc.message) from None
        finally:
            await redis.aclose()
            await engine.dispose()

    return asyncio.run(run())


@click.group("customer")
def customer_group() -> None:
    """A customer's data on request (PIPL): export or erase what kefu holds."""


@customer_group.command("export")
@click.argument("customer_id")
@click.option("--out", type=click.Path(dir_okay=False), help="write to this file (mode 600)")
def customer_export(customer_id: str, out: str | None) -> None:
    """Print (or write) everything kefu holds about CUSTOMER_ID as JSON."""
    data = _run(lambda store: store.export(customer_id, _actor()))
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
        return
    path = Path(out)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    click.echo(f"wrote {path} ({len(data['conversations'])} conversations)")


@customer_group.command("erase")
@click.argument("customer_id")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def customer_erase(customer_id: str, yes: bool) -> None:
    """Erase what kefu holds about CUSTOMER_ID (tickets, conversation records, archives)."""
    if not yes:
        click.confirm(f"erase everything kefu holds about {customer_id!r}?", abort=True)
    counts = _run(lambda store: store.erase(customer_id, _actor()))
    click.echo("erased: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
