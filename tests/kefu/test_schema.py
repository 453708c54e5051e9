"""The SQL schema comes from the migrations only: they build exactly the models' tables, an old
``create_all`` database is stamped (its rows kept), and a process refuses a schema that is not
its code's."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect, text

from kefu.db import make_engine
from kefu.schema import (
    BASELINE,
    SchemaMismatch,
    current_revision,
    head_revision,
    require_current,
    upgrade,
)
from kefu_cli.cli import main
from kefu_cli.tables import metadata


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
    # The access work made revoked_tokens and audit_log with create_all before migration 0002,
    # the last schema create_all ever made: such a database is the schema of 0002 without
    # Alembic's version table.
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    upgrade(url, "0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert "staff_accounts" in inspect(engine).get_table_names()
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


def test_migration_0007_gives_existing_facts_their_topic_and_recontact_mark(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0006")
    engine = make_engine(url)
    rows = [  # (id, customer, intents, started, ended)
        ("a", "c1", '["greet", "track_shipment", "thank"]', "2026-03-01 10:00", "2026-03-01 10:10"),
        ("b", "c1", '["track_shipment"]', "2026-03-03 09:00", "2026-03-03 09:05"),
        ("c", "c1", '["check_refund"]', "2026-03-04 09:00", "2026-03-04 09:05"),
        ("d", "c2", '["greet"]', "2026-03-01 10:00", "2026-03-01 10:10"),
    ]  # fmt: skip
    try:
        with engine.begin() as conn:
            for cid, customer, intents, started, ended in rows:
                conn.execute(
                    text(
                        "INSERT INTO conversation_facts (conversation_id, customer_id, channel,"
                        " lang, customer_tier, started_at, ended_at, intents, faq_ids, bot_only,"
                        " resolution, rating_comment) VALUES (:id, :c, 'web', 'zh', 0, :s, :e,"
                        " :i, '[]', 1, 'unknown', '')"
                    ),
                    {"id": cid, "c": customer, "s": started, "e": ended, "i": intents},
                )
        upgrade(url)
        with engine.connect() as conn:
            got = conn.execute(
                text("SELECT conversation_id, topic, recontacted FROM conversation_facts")
            ).all()
    finally:
        engine.dispose()
    assert sorted((i, t, bool(r)) for i, t, r in got) == [
        ("a", "track_shipment", True),  # c1 came back about it within 3 days
        ("b", "track_shipment", False),
        ("c", "check_refund", False),
        ("d", "", False),  # small talk only
    ]
