"""Alembic environment: runs on the connection dondoc hands it, or on DONDOC_DATABASE_URL."""

from alembic import context
from sqlmodel import SQLModel

import dondoc.catalog.store.models  # noqa: F401  (registers the tables)
from dondoc.catalog.store.engines import make_engine

target_metadata = SQLModel.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        with make_engine().connect() as conn:
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
