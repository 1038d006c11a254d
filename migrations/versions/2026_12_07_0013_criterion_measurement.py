"""Measured values for success criteria with a numeric target (criterion_measurement, recorded in the
browser per municipality or region), and whether a criterion's target is a ceiling (measure_criterion.at_most).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "measure_criterion", sa.Column("at_most", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    op.create_table(
        "criterion_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "(kommunenummer IS NULL) <> (region_id IS NULL)", name=op.f("ck_criterion_measurement_one_place")
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["measure_criterion.id"],
            name=op.f("fk_criterion_measurement_criterion_id_measure_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kommunenummer"],
            ["municipality.kommunenummer"],
            name=op.f("fk_criterion_measurement_kommunenummer_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_criterion_measurement_region_id_region"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_measurement")),
    )
    op.create_index(op.f("ix_criterion_measurement_criterion_id"), "criterion_measurement", ["criterion_id"])
    # the Tiltak page shows them: cached pages go stale when they change (see migration 0003)
    op.execute(
        "CREATE TRIGGER data_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON criterion_measurement "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER data_version_bump ON criterion_measurement")
    op.drop_index(op.f("ix_criterion_measurement_criterion_id"), table_name="criterion_measurement")
    op.drop_table("criterion_measurement")
    op.drop_column("measure_criterion", "at_most")
