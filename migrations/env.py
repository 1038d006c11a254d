"""Alembic environment: the engine comes from the caller (app.db.migrate) or the app config."""

from alembic import context

from app.db.migrate import include_name
from app.db.models import Base


def _engine():
    engine = context.config.attributes.get("engine")
    if engine is None:
        from app.db.session import get_engine

        engine = get_engine()
    return engine


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection, target_metadata=Base.metadata, compare_type=True, include_name=include_name
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():  # pragma: no cover - we always migrate against a server
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
