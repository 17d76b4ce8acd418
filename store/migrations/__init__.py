"""Alembic migrations of the archive schema (see store/db.py: ``upgrade_schema``)."""
