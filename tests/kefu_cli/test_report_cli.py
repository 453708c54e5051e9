"""``kefu report``: writes the HTML or XLSX report of a seeded history, logs the export, and
refuses a future date with a clear message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from bench.history import seed_history
from handoff.models import AuditEntry
from kefu.db import make_engine
from kefu_cli.cli import main


def test_report_command_writes_logs_and_refuses_the_future(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEFU_DATABASE_URL", sqlite_url)
    seeded = seed_history(sqlite_url, days=10, per_day=40)
    assert seeded["facts"] > 300 and seeded["tickets"] > 0
    runner = CliRunner()
    out = tmp_path / "week.html"
    result = runner.invoke(main, ["report", "--period", "week", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "客服服务报告" in html and html.count("<svg") == 4 and "hist-c" not in html
    xlsx = tmp_path / "month.xlsx"
    result = runner.invoke(
        main,
        ["report", "--period", "month", "--format", "xlsx", "--lang", "en", "--out", str(xlsx)],
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert book["summary"]["A3"].value == "Conversations"
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        logged = conn.execute(select(AuditEntry.actor, AuditEntry.action)).all()
    engine.dispose()
    assert len(logged) == 2 and all(
        a.startswith("cli:") and b == "report_exported" for a, b in logged
    )
    result = runner.invoke(main, ["report", "--period", "day", "--date", "2999-01-01"])
    assert result.exit_code != 0 and "has not come yet" in result.output
