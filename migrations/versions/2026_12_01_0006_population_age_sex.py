"""Residents by single year of age and sex (SSB 07459), and the ranges of binned answer codes, for
model-based municipal estimates (a survey's age groups are summed from single years of age).

Surveys imported before this revision have no ranges on their bins; importing them again adds them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("answer_option", sa.Column("min_value", sa.Float(), nullable=True))
    op.add_column("answer_option", sa.Column("max_value", sa.Float(), nullable=True))
    op.create_table(
        "population_age_sex",
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("sex", sa.SmallInteger(), nullable=False),
        sa.Column("age", sa.SmallInteger(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.CheckConstraint("population >= 0", name=op.f("ck_population_age_sex_population_not_negative")),
        sa.CheckConstraint("sex IN (1, 2)", name=op.f("ck_population_age_sex_sex_known")),
        sa.CheckConstraint("age BETWEEN 0 AND 105", name=op.f("ck_population_age_sex_age_range")),
        sa.ForeignKeyConstraint(
            ["kommunenummer"],
            ["municipality.kommunenummer"],
            name=op.f("fk_population_age_sex_kommunenummer_municipality"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("kommunenummer", "year", "sex", "age", name=op.f("pk_population_age_sex")),
    )
    # a content table: page caches key on data_version (migration 0003)
    op.execute(
        "CREATE TRIGGER data_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON population_age_sex "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
    )


def downgrade() -> None:
    op.drop_table("population_age_sex")
    op.drop_column("answer_option", "max_value")
    op.drop_column("answer_option", "min_value")
