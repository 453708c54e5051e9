"""Alembic's environment: runs the migrations on the connection ``kefu.schema`` hands in."""

from __future__ import annotations

from alembic import context


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - kefu.schema always hands one in
        raise RuntimeError("run the migrations with `kefu db upgrade`, not the alembic command")
    context.configure(
        connection=connection,
        # Set by ``kefu.schema.new_revision`` (autogenerate); upgrades need no models.
        target_metadata=context.config.attributes.get("target_metadata"),
        render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE on SQLite
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_run()
