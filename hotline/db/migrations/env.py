"""Alembic environment, driven from Python only (hotline.db.migrate); no alembic.ini.

The caller passes an open connection in `config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context

from hotline.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("run migrations through hotline.db.migrate.upgrade(url)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables for later migrations.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
