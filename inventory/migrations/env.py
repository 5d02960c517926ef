"""Alembic environment: runs on the connection that ``inventory.migrations`` hands over (no alembic.ini)."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True,
                  target_metadata=context.config.attributes.get("metadata"))
with context.begin_transaction():
    context.run_migrations()
