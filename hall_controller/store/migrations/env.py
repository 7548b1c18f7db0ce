"""Alembic environment of the controller's database; run through hall_controller.store.db.migrate,
which hands over an open connection (SQLite or PostgreSQL, the same migrations)."""
from alembic import context

from hall_controller.store.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters by copying
with context.begin_transaction():
    context.run_migrations()
