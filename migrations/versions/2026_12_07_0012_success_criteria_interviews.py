"""Success criteria per measure (measure_criterion, edited in the browser) and the interview evidence of
NORCE (2025) section 3.1 (interview_theme, interview_quote, loaded by seed from seed/interviews.yaml).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CONTENT_TABLES = ("measure_criterion", "interview_theme", "interview_quote")


def upgrade() -> None:
    op.create_table(
        "measure_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_unit", sa.String(length=60), nullable=True),
        sa.Column("target_text", sa.String(length=500), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("(area_id IS NULL) <> (activity_id IS NULL)", name=op.f("ck_measure_criterion_one_measure")),
        sa.CheckConstraint(
            "target_value IS NOT NULL OR target_text IS NOT NULL", name=op.f("ck_measure_criterion_has_target")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["measure_area.id"], name=op.f("fk_measure_criterion_area_id_measure_area"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["measure_activity.id"],
            name=op.f("fk_measure_criterion_activity_id_measure_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_criterion")),
    )
    op.create_index(op.f("ix_measure_criterion_area_id"), "measure_criterion", ["area_id"])
    op.create_index(op.f("ix_measure_criterion_activity_id"), "measure_criterion", ["activity_id"])
    op.create_table(
        "interview_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("survey", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("survey_section", sa.String(length=40), nullable=False),
        sa.Column("measure_areas", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_theme")),
        sa.UniqueConstraint("code", name=op.f("uq_interview_theme_code")),
    )
    op.create_table(
        "interview_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["interview_theme.id"],
            name=op.f("fk_interview_quote_theme_id_interview_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_quote")),
        sa.UniqueConstraint("theme_id", "position", name=op.f("uq_interview_quote_theme_id_position")),
    )

    # what the pages show from them is cached until the data change (see migration 0003)
    for table in CONTENT_TABLES:
        op.execute(
            f"CREATE TRIGGER data_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def downgrade() -> None:
    for table in CONTENT_TABLES:
        op.execute(f"DROP TRIGGER data_version_bump ON {table}")
    op.drop_table("interview_quote")
    op.drop_table("interview_theme")
    op.drop_index(op.f("ix_measure_criterion_activity_id"), table_name="measure_criterion")
    op.drop_index(op.f("ix_measure_criterion_area_id"), table_name="measure_criterion")
    op.drop_table("measure_criterion")
