"""Alembic environment: runs against the engine handed over in config.attributes["engine"]."""

from alembic import context
from sqlmodel import SQLModel

import readiness.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from readiness.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
