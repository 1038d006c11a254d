"""Alembic, driven from Python so the CLI and tests need no alembic.ini."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app import resources

MIGRATIONS_DIR = resources.migrations_dir()


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """What autogenerate compares with the models: not procrastinate's tables (the job queue's own schema,
    applied by migration 0009 from procrastinate's SQL)."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def is_empty(engine: Engine) -> bool:
    """True when the database has none of our tables and no migration history."""
    return not inspect(engine).get_table_names()
