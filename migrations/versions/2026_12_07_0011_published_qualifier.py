"""Published figures carry how the source words them (qualifier: about, over, under, nearly, at least,
range), so that "over halvparten" is shown as such and not as «ca. 50 %».

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("published_figure", sa.Column("qualifier", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("published_figure", "qualifier")
