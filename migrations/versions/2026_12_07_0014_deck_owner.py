"""Presentations belong to accounts: deck.owner_id names the editor who made it (NULL for decks made before,
and when the account is deleted). Decks carry no data_version trigger: they change without making cached
pages stale (their callbacks are never cached).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deck", sa.Column("owner_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_deck_owner_id_app_user"), "deck", "app_user", ["owner_id"], ["id"], ondelete="SET NULL"
    )
    op.create_index(op.f("ix_deck_owner_id"), "deck", ["owner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_deck_owner_id"), table_name="deck")
    op.drop_constraint(op.f("fk_deck_owner_id_app_user"), "deck", type_="foreignkey")
    op.drop_column("deck", "owner_id")
