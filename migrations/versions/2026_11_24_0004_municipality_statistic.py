"""SSB figures per municipality (municipality_statistic) and a survey's coverage (survey.coverage).

``municipality_statistic`` holds employed residents (SSB 11618) and population by age band (SSB
07459) for the mobility model's regional step; ``fjernarbeid seed`` loads them. ``survey.coverage``
says whom a survey's sample represents ("national" or "regional"); surveys already imported are
national until re-imported with a codebook that says otherwise (``fjernarbeid seed`` updates the
demo surveys itself).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("survey", sa.Column("coverage", sa.String(length=20), server_default="national", nullable=False))
    op.create_check_constraint(op.f("ck_survey_coverage_known"), "survey", "coverage IN ('national', 'regional')")
    op.create_table(
        "municipality_statistic",
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("is_estimate", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_municipality_statistic_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["kommunenummer"],
            ["municipality.kommunenummer"],
            name=op.f("fk_municipality_statistic_kommunenummer_municipality"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("kommunenummer", "measure", "period", name=op.f("pk_municipality_statistic")),
    )
    # a content table: page caches key on data_version (migration 0003)
    op.execute(
        "CREATE TRIGGER data_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipality_statistic "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
    )


def downgrade() -> None:
    op.drop_table("municipality_statistic")
    op.drop_constraint(op.f("ck_survey_coverage_known"), "survey", type_="check")
    op.drop_column("survey", "coverage")
