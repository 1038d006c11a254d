"""The schema is created, removed and re-created by Alembic alone."""

from sqlalchemy import create_engine, inspect

from app.db import migrate
from app.db.models import Base

EXPECTED_TABLES = set(Base.metadata.tables)


def _tables(engine) -> set[str]:
    """The models' tables: without Alembic's own and procrastinate's (the job queue's, see migration 0009)."""
    return {t for t in inspect(engine).get_table_names() if not t.startswith("procrastinate_")} - {"alembic_version"}


def test_upgrade_from_empty_creates_every_model_table(empty_database_url):
    engine = create_engine(empty_database_url)
    assert migrate.is_empty(engine)
    migrate.upgrade(engine)
    assert _tables(engine) == EXPECTED_TABLES
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    engine = create_engine(empty_database_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()  # procrastinate's too
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert _tables(engine) == EXPECTED_TABLES
    engine.dispose()


def test_migrated_schema_matches_the_models(engine):
    """Autogenerate finds nothing to do: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": migrate.include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


# Tables whose rows no page shows as content: a write to them need not make cached pages stale.
NOT_SHOWN_ON_PAGES = {
    "alembic_version",
    "data_version",
    "app_user",
    "user_region_role",  # roles: the editing pages that read them are never cached
    "survey_reader",  # who sees a private survey: the response cache keys on each audience
    "user_session",
    "login_throttle",
    "audit_entry",
    "import_batch",
    "deck",
    "deck_view",
    "job",
    "upload",
    "procrastinate_jobs",
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_workers",
}


def test_every_table_the_pages_show_makes_cached_answers_stale_when_written(engine):
    """The response cache keys answers on data_version; a content table without the trigger would keep
    serving what was there before an edit (a deleted success criterion stayed on Tiltak)."""
    from sqlalchemy import text

    with engine.connect() as connection:
        tables = set(
            connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
        )
        bumping = set(
            connection.execute(
                text(
                    "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE t.tgname = 'data_version_bump'"
                )
            ).scalars()
        )
    assert sorted(tables - NOT_SHOWN_ON_PAGES - bumping) == []
