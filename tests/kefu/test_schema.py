"""The SQL schema comes from the migrations only: they build exactly the models' tables, an old
``create_all`` database is stamped (its rows kept), and a process refuses a schema that is not
its code's."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import text

from kefu.cli import main
from kefu.db import make_engine
from kefu.schema import (
    BASELINE,
    SchemaMismatch,
    current_revision,
    head_revision,
    require_current,
    upgrade,
)
from kefu.tables import metadata


def test_migrations_build_exactly_the_models_tables(database_url: str):
    # database_url is built by the migrations (SQLite, and PostgreSQL when configured).
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata()) == []
            assert context.get_current_heads() == (head_revision(),)
    finally:
        engine.dispose()


def test_a_create_all_database_is_stamped_and_keeps_its_rows(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    # What the old create_all made: the baseline's tables, with no alembic_version.
    upgrade(url, BASELINE)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(
            text(
                "INSERT INTO staff_accounts (username, display_name, password_hash, roles,"
                " skill_groups, capacity, active, created_at)"
                " VALUES ('li', 'Li', 'x', '[]', '[]', 3, 1, '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()

    assert upgrade(url) == (BASELINE, head_revision())
    require_current(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM staff_accounts")).scalars().all() == ["li"]
    engine.dispose()
    assert upgrade(url) == (head_revision(), head_revision())  # a second run changes nothing


def test_a_create_all_database_with_every_current_table_upgrades(tmp_path: Path):
    # The access work made revoked_tokens and audit_log with create_all before migration 0002.
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    engine = make_engine(url)
    metadata().create_all(engine)
    engine.dispose()
    assert upgrade(url) == (BASELINE, head_revision())
    require_current(url)


def test_an_unmigrated_or_newer_database_is_refused(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    with pytest.raises(SchemaMismatch, match="run `kefu db upgrade`"):
        require_current(url)
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    engine.dispose()
    assert current_revision(url) == "f00d"
    with pytest.raises(SchemaMismatch, match="newer than this code"):
        require_current(url)


def test_an_older_database_is_refused_until_upgraded(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    assert upgrade(url, BASELINE) == (None, BASELINE)
    assert head_revision() != BASELINE  # there is a later revision to miss
    with pytest.raises(SchemaMismatch, match="older than this code"):
        require_current(url)
    assert upgrade(url) == (BASELINE, head_revision())
    require_current(url)


def test_processes_refuse_to_start_and_db_upgrade_migrates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("KEFU_DATABASE_URL", f"sqlite:///{tmp_path / 'kefu.db'}")
    runner = CliRunner()
    for process in ("gateway", "staff", "actions"):
        result = runner.invoke(main, [process])
        assert result.exit_code == 1
        assert "run `kefu db upgrade` first" in result.output

    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"schema empty -> {head_revision()}" in result.output
    result = runner.invoke(main, ["db", "current"])
    assert f"database: {head_revision()}; code: {head_revision()}" in result.output
