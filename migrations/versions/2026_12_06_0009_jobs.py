"""Job queue: procrastinate's schema (the queue the worker takes work from), the job table (who asked,
progress, result, error) and the upload registry.

procrastinate's SQL is applied as the pinned version ships it (``SchemaManager.get_schema()``); a newer
procrastinate with schema changes needs a new migration that runs its files in ``sql/migrations``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
PROCRASTINATE_TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status")


def upgrade() -> None:
    from procrastinate.schema import SchemaManager

    # the driver's own connection: the SQL holds % and : that SQLAlchemy or psycopg would take for parameters
    op.get_bind().connection.driver_connection.execute(SchemaManager.get_schema())
    op.create_table(
        "job",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=12), server_default="queued", nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("step", sa.String(length=40), nullable=True),
        sa.Column("step_params", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("progress_current", sa.BigInteger(), nullable=True),
        sa.Column("progress_total", sa.BigInteger(), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name=op.f("ck_job_state_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_index("ix_job_owner_kind_state", "job", ["owner", "kind", "state"])
    op.create_index("ix_job_key", "job", ["key"])
    op.create_index(
        "uq_job_active_key",
        "job",
        ["key"],
        unique=True,
        postgresql_where=sa.text("state IN ('queued', 'running') AND key IS NOT NULL"),
    )
    op.create_table(
        "upload",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("slot", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload")),
    )
    op.create_index("ix_upload_created_at", "upload", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_upload_created_at", table_name="upload")
    op.drop_table("upload")
    op.drop_index("uq_job_active_key", table_name="job")
    op.drop_index("ix_job_key", table_name="job")
    op.drop_index("ix_job_owner_kind_state", table_name="job")
    op.drop_table("job")
    op.execute(f"DROP TABLE IF EXISTS {', '.join(PROCRASTINATE_TABLES)} CASCADE")
    op.execute(
        """
        DO $$
        DECLARE f record;
        BEGIN
            FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'
            LOOP
                EXECUTE 'DROP FUNCTION ' || f.signature || ' CASCADE';
            END LOOP;
        END $$
        """
    )
    op.execute(f"DROP TYPE IF EXISTS {', '.join(PROCRASTINATE_TYPES)} CASCADE")
