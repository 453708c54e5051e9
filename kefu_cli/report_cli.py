"""``kefu report``: write the service report of the last full day, week or month (or the one
containing ``--date``) as HTML (charts inline) or XLSX, for sending on. Exporting is recorded in
the audit log as ``report_exported`` by ``cli:<os user>``."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path

import click

from handoff.reports import PERIODS


@click.command("report")
@click.option("--period", type=click.Choice(PERIODS), default="week", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["html", "xlsx"]), default="html")
@click.option(
    "--date", "on", default=None, help="YYYY-MM-DD inside the period (default: last full)"
)
@click.option("--lang", type=click.Choice(["zh", "zh-Hant", "en"]), default="zh")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def report_command(period: str, fmt: str, on: str | None, lang: str, out: Path | None) -> None:
    """Write the service report (a week is the last full ISO week in KEFU_TIMEZONE)."""
    from console.report_data import build_report
    from console.settings import StaffSettings
    from handoff.audit import AuditLog
    from handoff.report_render import to_html, to_xlsx
    from handoff.reports import resolve_period
    from kefu.db import make_async_engine
    from kefu.errors import ApiError
    from kefu.redis_client import async_client
    from kefu.schema import SchemaMismatch, require_current

    settings = StaffSettings()
    try:
        require_current(settings.database_url)
    except SchemaMismatch as exc:
        raise click.ClickException(str(exc)) from None
    tz = settings.timezone
    try:
        chosen = resolve_period(period, tz, on)
    except ApiError as exc:
        raise click.ClickException(exc.message) from None

    async def run() -> tuple[str, bytes]:
        engine = make_async_engine(settings.database_url)
        redis = async_client(settings.redis_url, decode_responses=False)
        try:
            sla = dict(settings.sla_first_response_s)
            groups = tuple(settings.skill_groups)
            data = await build_report(engine, redis, chosen, tz, sla, groups)
            body = to_html(data, lang).encode() if fmt == "html" else to_xlsx(data, lang)
            target = out or Path(f"kefu-report-{chosen.label}.{fmt}")
            target.write_bytes(body)
            await AuditLog(engine).record(
                f"cli:{getpass.getuser()}",
                "report_exported",
                chosen.label,
                format=fmt,
                lang=lang,
                out=str(target),
            )
            return str(target), body
        finally:
            await redis.aclose()
            await engine.dispose()

    target, body = asyncio.run(run())
    click.echo(f"{target}: {chosen.kind} report {chosen.label}, {len(body)} bytes")
