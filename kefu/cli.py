"""The ``kefu`` command: run each process, the demo, and the operator tools."""

from __future__ import annotations

import asyncio
import os
import sys

import click

from kefu.eval_cli import eval_group
from knowledge_base.cli import kb


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """kefu (客服): chatbot-first customer service for e-commerce shops."""


@main.command()
def demo() -> None:
    """Start Redis (embedded if needed), gateway, staff console, Rasa and actions."""
    from kefu.demo import run_demo

    sys.exit(run_demo())


@main.command()
def gateway() -> None:
    """Serve the customer-facing gateway (KEFU_GATEWAY_HOST/PORT)."""
    from bot.app import main as run

    run()


@main.command()
def staff() -> None:
    """Serve the staff console (KEFU_STAFF_HOST/PORT)."""
    from handoff.app import main as run

    run()


@main.command()
def actions() -> None:
    """Serve the Rasa action server (KEFU_ACTIONS_HOST/PORT)."""
    from actions.server import main as run

    run()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5005, show_default=True, envvar="KEFU_RASA_PORT")
def rasa(host: str, port: int) -> None:
    """Run the Rasa server from .venv-rasa with the newest model in models/."""
    from kefu.config import CommonSettings
    from kefu.rasa_proc import latest_model, rasa_env, rasa_run_args
    from kefu.web import check_port_free

    model = latest_model()
    if model is None:
        raise click.ClickException("no trained model in models/; run `make model`")
    check_port_free(host, port, "KEFU_RASA_PORT")
    settings = CommonSettings()
    actions_url = os.environ.get("KEFU_ACTION_SERVER_URL", "http://127.0.0.1:5055")
    args = rasa_run_args(host, port, model)
    os.execve(args[0], args, rasa_env(settings.redis_url, actions_url))  # noqa: S606


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
    type=click.Choice(["agent", "team_lead", "supervisor", "editor", "admin"]),
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
    from kefu.db import create_schema_async, make_async_engine
    from kefu.errors import ApiError

    async def run() -> None:
        engine = make_async_engine(CommonSettings().database_url)
        try:
            await create_schema_async(engine)
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
