"""A coworking space's seats may be unknown: NULL means "the list did not say", not "no desk places".
Imported lists often carry no seats (a GeoJSON map layer, a municipality's web page); storing 0 made
totals of seats silently wrong. The counts_not_negative check still holds (NULL passes it).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("coworking_space", "seats", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE coworking_space SET seats = 0 WHERE seats IS NULL")
    op.alter_column("coworking_space", "seats", existing_type=sa.Integer(), nullable=False)
