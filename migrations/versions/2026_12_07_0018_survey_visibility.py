"""Who may see a survey: ``public`` (everyone, also anonymous visitors: what every survey was before),
``region`` (the signed-in accounts with a role in ``survey.region_id``, and national ones) or ``private``
(the accounts named in ``survey_reader``, and national admins).

Every existing survey stays ``public``. ``fjernarbeid surveys visibility SLUG region --region hardangerradet``
or ``… private --readers kari,ola`` narrows one. A region that has a region-only survey cannot be deleted
(the foreign key has no cascade), so a survey never falls back to public by accident.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("survey", sa.Column("visibility", sa.String(length=10), server_default="public", nullable=False))
    op.add_column("survey", sa.Column("region_id", sa.Integer(), nullable=True))
    op.create_foreign_key(op.f("fk_survey_region_id_region"), "survey", "region", ["region_id"], ["id"])
    op.create_check_constraint(
        op.f("ck_survey_visibility_known"), "survey", "visibility IN ('public', 'region', 'private')"
    )
    op.create_check_constraint(
        op.f("ck_survey_region_has_region"), "survey", "visibility <> 'region' OR region_id IS NOT NULL"
    )
    op.create_table(
        "survey_reader",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_reader_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_survey_reader_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("survey_id", "user_id", name=op.f("pk_survey_reader")),
    )


def downgrade() -> None:
    op.drop_table("survey_reader")
    op.drop_constraint(op.f("ck_survey_region_has_region"), "survey", type_="check")
    op.drop_constraint(op.f("ck_survey_visibility_known"), "survey", type_="check")
    op.drop_constraint(op.f("fk_survey_region_id_region"), "survey", type_="foreignkey")
    op.drop_column("survey", "region_id")
    op.drop_column("survey", "visibility")
