"""The ``kefu`` command: run each process, the demo, and the operator tools."""

from __future__ import annotations

import asyncio
import os
import sys

import click

from kefu_cli.customer_cli import customer_group
from kefu_cli.eval_cli import eval_group
from kefu_cli.report_cli import report_command
from knowledge_base.cli import kb


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """kefu (客服): chatbot-first customer service for e-commerce shops."""


@main.command()
@click.option(
    "--history",
    default=None,
    metavar="DAYS",
    help="First seed this many days of realistic service history for the reports, e.g. 30d.",
)
def demo(history: str | None) -> None:
    """Start Redis (embedded if needed), gateway, staff console, Rasa and actions."""
    from kefu_cli.demo import run_demo
    from kefu_cli.history import parse_days

    try:
        days = parse_days(history) if history else 0
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--history") from None
    sys.exit(run_demo(history_days=days))


def _require_schema() -> None:
    """Refuse to serve on a database whose schema is not this code's (never migrate here)."""
    from kefu.config import CommonSettings
    from kefu.schema import SchemaMismatch, require_current

    try:
        require_current(CommonSettings().database_url)
    except SchemaMismatch as exc:
        raise click.ClickException(str(exc)) from None


@main.group()
def db() -> None:
    """The SQL schema (Alembic migrations)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate KEFU_DATABASE_URL to the newest schema (stamps a database made by create_all)."""
    from kefu.config import CommonSettings
    from kefu.schema import upgrade

    settings = CommonSettings()
    before, after = upgrade(settings.database_url, revision)
    where = settings.redacted_database_url
    if before == after:
        click.echo(f"{where}: schema at revision {after}, nothing to do")
    else:
        click.echo(f"{where}: schema {before or 'empty'} -> {after}")


@db.command("new")
@click.argument("message")
def db_new(message: str) -> None:
    """Autogenerate the next migration from the models (kefu/migrations/README.md)."""
    from kefu.schema import new_revision
    from kefu_cli.tables import metadata

    click.echo(f"wrote {new_revision(message, metadata())}; read it before committing it")


@db.command("current")
def db_current() -> None:
    """Print the database's schema revision and the one this code expects."""
    from kefu.config import CommonSettings
    from kefu.schema import current_revision, head_revision

    current = current_revision(CommonSettings().database_url)
    click.echo(f"database: {current or 'none'}; code: {head_revision()}")


@main.command()
def gateway() -> None:
    """Serve the customer-facing gateway (KEFU_GATEWAY_HOST/PORT)."""
    from bot.app import main as run

    _require_schema()
    run()


@main.command()
def staff() -> None:
    """Serve the staff console (KEFU_STAFF_HOST/PORT)."""
    from console.app import main as run

    _require_schema()
    run()


@main.command()
def actions() -> None:
    """Serve the Rasa action server (KEFU_ACTIONS_HOST/PORT)."""
    from actions.server import main as run

    _require_schema()
    run()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5005, show_default=True, envvar="KEFU_RASA_PORT")
def rasa(host: str, port: int) -> None:
    """Run the Rasa server from .venv-rasa with the newest model in models/."""
    from kefu.rasa_proc import RasaSettings, latest_model, rasa_env, rasa_run_args
    from kefu.web import check_port_free

    model = latest_model()
    if model is None:
        raise click.ClickException("no trained model in models/; run `make model`")
    check_port_free(host, port, "KEFU_RASA_PORT")
    settings = RasaSettings()
    args = rasa_run_args(host, port, model)
    os.execve(args[0], args, rasa_env(settings.redis_url, settings.action_server_url))  # noqa: S606


@main.command("systemd")
@click.option(
    "--out",
    "out_dir",
    default="var/systemd",
    show_default=True,
    type=click.Path(file_okay=False),
    help="directory to write the unit files to (e.g. /etc/systemd/system)",
)
@click.option("--user", default=None, help="account the services run as [default: you]")
def systemd(out_dir: str, user: str | None) -> None:
    """Write systemd template units (one per process, instance = port) for this checkout."""
    from pathlib import Path

    from kefu.systemd import PROCESSES, write_units

    for path in write_units(Path(out_dir), user=user):
        click.echo(f"wrote {path}")
    ports = " ".join(f"kefu-{p.name}@{p.default_port}" for p in PROCESSES)
    click.echo(f"then: systemctl daemon-reload && systemctl enable --now {ports}")


@main.command("init-env")
def init_env() -> None:
    """Write .env with fresh random secrets (only the missing ones)."""
    from kefu.envfile import ensure_env_file

    path, added = ensure_env_file()
    click.echo(f"{path}: {'added ' + ', '.join(added) if added else 'complete'}")


@main.group()
def agent() -> None:
    """Staff accounts."""


@agent.command("add")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=["agent"],
    show_default=True,
    type=click.Choice(["agent", "team_lead", "supervisor", "editor", "admin", "qa"]),
)
@click.option("--group", "groups", multiple=True, help="skill group (repeatable)")
@click.option("--capacity", default=3, show_default=True)
@click.option("--name", "display_name", default="")
def agent_add(
    username: str,
    password: str,
    roles: tuple[str, ...],
    groups: tuple[str, ...],
    capacity: int,
    display_name: str,
) -> None:
    """Create a staff account."""
    from handoff.accounts import create_account
    from kefu.config import CommonSettings
    from kefu.db import make_async_engine
    from kefu.errors import ApiError

    _require_schema()

    async def run() -> None:
        engine = make_async_engine(CommonSettings().database_url)
        try:
            account = await create_account(
                engine, username, password, list(roles), list(groups), capacity, display_name
            )
            click.echo(f"created {account.username} ({', '.join(account.roles)})")
        except ApiError as exc:
            raise click.ClickException(exc.message) from None
        finally:
            await engine.dispose()

    asyncio.run(run())


main.add_command(kb)
main.add_command(eval_group)
main.add_command(report_command)
main.add_command(customer_group)


@main.command(
    "bench",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("name", required=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(name: str | None, args: tuple[str, ...]) -> None:
    """Run a benchmark of bench/ by name (e.g. `kefu bench startup --fresh`,
    `kefu bench kb_search --rows 10000`); without a name, list them. They print figures."""
    import subprocess

    from kefu.config import ROOT

    available = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if p.stem != "__init__")
    if not name:
        click.echo("benchmarks: " + ", ".join(available))
        return
    if name not in available:
        raise click.ClickException(f"no benchmark {name!r}; one of: {', '.join(available)}")
    # bench/ is not an installed package: run it as a module from the repo root.
    command = [sys.executable, "-m", f"bench.{name}", *args]
    sys.exit(subprocess.call(command, cwd=ROOT))  # noqa: S603
