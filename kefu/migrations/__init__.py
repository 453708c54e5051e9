"""Alembic migrations of kefu's SQL schema (run them with ``kefu db upgrade``)."""
