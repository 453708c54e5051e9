"""SQL connections: one URL (``KEFU_DATABASE_URL``), SQLite by default, PostgreSQL by URL.

Tables of every package hang off one ``Base``; this module imports none of them (the
composition root ``kefu_cli.tables`` registers them) and never creates tables: the schema changes
only through the migrations (``kefu db upgrade``, ``kefu.schema``). The services use the async
engine; the CLI and tests may use the sync one. The driver is chosen here so that a plain
``postgresql://`` or ``sqlite:///`` URL works everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from kefu.file_modes import create_private_file


class Base(DeclarativeBase):
    """Declarative base of every kefu table."""


def _url(url: str, *, is_async: bool) -> str:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        driver = "aiosqlite" if is_async else "pysqlite"
        if parsed.database and parsed.database != ":memory:":
            # the file holds transcripts and accounts: mode 600 (SQLite gives -wal/-shm the same)
            create_private_file(Path(parsed.database))
    elif backend == "postgresql":
        driver = "psycopg"
    else:
        return url
    return parsed.set(drivername=f"{backend}+{driver}").render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL + a busy timeout let several processes (gateway, staff console, actions) share the file.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    engine = create_engine(_url(url, is_async=False), pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_async_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(_url(url, is_async=True), pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
