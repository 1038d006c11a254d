"""data_version: a counter every write to a content table increments, for cache invalidation.

Statement-level triggers (one increment per INSERT/UPDATE/DELETE/TRUNCATE statement, however
many rows) on every table the pages read, so a cache keyed on the counter cannot outlive the
data it was computed from, whichever tool wrote it: importer, seed, or psql by hand.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CONTENT_TABLES = (
    "municipality",
    "centrality_class",
    "postal_code",
    "region",
    "region_member",
    "survey",
    "question",
    "answer_option",
    "respondent",
    "answer",
    "answer_vector",
    "coworking_space",
    "measure_area",
    "measure_activity",
    "measure_progress",
    "opportunity",
    "published_figure",
    "context_series",
    "import_batch",
)


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 0)")
    op.execute("""
        CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE data_version SET version = version + 1 WHERE id = 1;
            RETURN NULL;
        END
        $$
    """)
    for table in CONTENT_TABLES:
        op.execute(
            f"CREATE TRIGGER data_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def downgrade() -> None:
    for table in CONTENT_TABLES:
        op.execute(f"DROP TRIGGER data_version_bump ON {table}")
    op.execute("DROP FUNCTION bump_data_version()")
    op.drop_table("data_version")
