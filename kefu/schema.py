"""The SQL schema's version: migrate it (``kefu db upgrade``) and check it (every process).

Only ``kefu db upgrade`` (and ``kefu demo``, which calls it before starting anything) changes the
schema; the services check at start that the database is at exactly the revision their code
expects and refuse to start otherwise, so processes never race to migrate. A database made by
the old ``create_all`` (kefu tables, no ``alembic_version``) is stamped at the baseline revision
and upgraded from there, never recreated.

The revisions live in ``kefu/migrations/versions``; how to add one is in
``kefu/migrations/README.md``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.config import redact_url
from kefu.db import make_engine

__all__ = [
    "BASELINE",
    "SchemaMismatch",
    "check_schema",
    "check_schema_async",
    "current_revision",
    "head_revision",
    "new_revision",
    "require_current",
    "upgrade",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The schema as ``create_all`` made it before migrations existed: such a database is stamped here.
BASELINE = "0001"
# A table every kefu database made by create_all has.
_BASELINE_TABLE = "staff_accounts"
# One upgrade at a time on PostgreSQL (any constant key; kefu's in ASCII).
_PG_LOCK_KEY = 0x6B656675


class SchemaMismatch(RuntimeError):
    """The database's schema is not the revision this code expects."""


def _config(connection: Connection | None = None, metadata: MetaData | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    # Only autogenerate compares with the models; the composition root hands their metadata in,
    # so the ground never imports the packages whose tables it migrates.
    config.attributes["target_metadata"] = metadata
    return config


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The revision this code expects (a single head: migrations form one line)."""
    head = _script().get_current_head()
    assert head is not None
    return head


def _current(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def current_revision(database_url: str) -> str | None:
    """The database's revision, or None when it has none."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return _current(conn)
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database to ``revision``; returns (revision before, revision after).

    An empty database gets every migration; one made by ``create_all`` is stamped at
    ``BASELINE`` first. On PostgreSQL an advisory lock keeps two upgrades from interleaving.
    """
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            before = _current(conn)
            config = _config(conn)
            if before is None and inspect(conn).has_table(_BASELINE_TABLE):
                command.stamp(config, BASELINE)
                before = BASELINE
            command.upgrade(config, revision)
            return before, _current(conn) or ""
    finally:
        engine.dispose()


def _problem(connection: Connection) -> str | None:
    current = _current(connection)
    head = head_revision()
    if current == head:
        return None
    where = redact_url(connection.engine.url.render_as_string(hide_password=False))
    if current is None:
        return (
            f"the database {where} has no kefu schema (or one made before migrations); "
            f"run `kefu db upgrade` first (this code expects revision {head})"
        )
    known = {script.revision for script in _script().walk_revisions()}
    if current not in known:
        return (
            f"the database {where} is at schema revision {current}, newer than this code "
            f"(which expects {head}); run the newer kefu, or downgrade the database"
        )
    return (
        f"the database {where} is at schema revision {current}, older than this code "
        f"(which expects {head}); run `kefu db upgrade`"
    )


def check_schema(connection: Connection) -> None:
    """Raise ``SchemaMismatch`` unless the database is at this code's revision."""
    problem = _problem(connection)
    if problem is not None:
        raise SchemaMismatch(problem)


async def check_schema_async(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        problem = await conn.run_sync(_problem)
    if problem is not None:
        raise SchemaMismatch(problem)


def require_current(database_url: str) -> None:
    """``check_schema`` on a URL (the process commands call this before they serve)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            check_schema(conn)
    finally:
        engine.dispose()


def new_revision(message: str, metadata: MetaData) -> Path:
    """Autogenerate the next revision (``NNNN_message.py``) from the models' difference with a
    throw-away SQLite database at the current head. Read it before committing it."""
    import tempfile

    head = head_revision()
    rev_id = f"{int(head) + 1:04d}"
    slug = "_".join(message.lower().split())[:40]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'head.db'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                config = _config(conn, metadata)
                config.set_main_option("file_template", f"%%(rev)s_{slug}")
                script = command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)
