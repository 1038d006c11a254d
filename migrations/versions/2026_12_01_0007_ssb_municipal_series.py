"""SSB series for the municipality pages: population 2006–2026 (07459), population change (06913),
commuting flows (03321) and education levels (09429).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("population_total", "population_change", "commuting_flow", "education_level")


def _municipality(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["municipality.kommunenummer"],
        name=op.f(f"fk_{table}_{column}_municipality"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "population_total",
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("is_ssb_figure", sa.Boolean(), server_default="true", nullable=False),
        sa.CheckConstraint("population >= 0", name=op.f("ck_population_total_population_not_negative")),
        _municipality("kommunenummer", "population_total"),
        sa.PrimaryKeyConstraint("kommunenummer", "year", name=op.f("pk_population_total")),
    )
    op.create_table(
        "population_change",
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("birth_surplus", sa.Integer(), nullable=False),
        sa.Column("net_migration", sa.Integer(), nullable=False),
        _municipality("kommunenummer", "population_change"),
        sa.PrimaryKeyConstraint("kommunenummer", "year", name=op.f("pk_population_change")),
    )
    op.create_table(
        "commuting_flow",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("home", sa.String(length=4), nullable=False),
        sa.Column("work", sa.String(length=4), nullable=False),
        sa.Column("employed", sa.Integer(), nullable=False),
        sa.CheckConstraint("employed >= 0", name=op.f("ck_commuting_flow_employed_not_negative")),
        _municipality("home", "commuting_flow"),
        _municipality("work", "commuting_flow"),
        sa.PrimaryKeyConstraint("year", "home", "work", name=op.f("pk_commuting_flow")),
    )
    op.create_index(op.f("ix_commuting_flow_home"), "commuting_flow", ["home"])
    op.create_index(op.f("ix_commuting_flow_work"), "commuting_flow", ["work"])
    op.create_table(
        "education_level",
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("percent", sa.Float(), nullable=False),
        _municipality("kommunenummer", "education_level"),
        sa.PrimaryKeyConstraint("kommunenummer", "year", "level", name=op.f("pk_education_level")),
    )
    for table in TABLES:  # content tables: page caches key on data_version (migration 0003)
        op.execute(
            f"CREATE TRIGGER data_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )


def downgrade() -> None:
    op.drop_table("education_level")
    op.drop_index(op.f("ix_commuting_flow_work"), table_name="commuting_flow")
    op.drop_index(op.f("ix_commuting_flow_home"), table_name="commuting_flow")
    op.drop_table("commuting_flow")
    op.drop_table("population_change")
    op.drop_table("population_total")
